public enum FrontdeskCLI {
    public static func main() {}
}
