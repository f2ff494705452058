import Foundation
import FrontdeskCore
import FrontdeskEngine
import FrontdeskPlugins
import FrontdeskStore
import FrontdeskText

/// The `frontdesk` command: thin subcommands over `App`.
public enum FrontdeskCLI {
    static let usage = """
        usage: frontdesk <command> [options]

        commands:
          demo      [--db PATH] [--json] [--clients N [--messages M]]   seed the demo business "demo", list its people
          serve     [--db PATH] [--port N] [--config FILE] [--demo]   run the HTTP server (webhooks, link pages, admin API)
          say       [--db PATH] --business SLUG --from ADDR [--channel sms|email] [--subject S] [--json] TEXT
          say       [--db PATH] --business SLUG --eml FILE [--provider mailgun|sendgrid] [--json]   a raw RFC 5322 email, as its webhook would
          chat      [--db PATH] --business SLUG --from ADDR [--channel sms|email]   talk interactively (Ctrl-D exits)
          classify  [--business SLUG] [--db PATH]            stdin: one utterance a line; stdout: one JSON a line
          extract   [FILE]                                   stdin or FILE: raw RFC 5322 message; stdout: JSON
          plugins   list|enable|disable PLUGIN|set PLUGIN KEY=VALUE... --business SLUG [--db PATH]
          outbox    list [--status S] | retry ID             [--db PATH]
          admin     token create [--label L]|list|revoke ID --business SLUG [--db PATH]   API tokens for one business
          limits    show|set [sender_per_hour=N] [business_per_minute=N] --business SLUG [--db PATH]   inbound rate limits
          client    export [--out FILE] [--force] | erase [--yes]  --business SLUG --client ID [--db PATH]   a client's data
          retention show|set days=N|off --business SLUG | apply [--business SLUG]  [--db PATH]   how long message texts are kept
          roles     show | set INTENT ROLE,...|none|default  --business SLUG [--db PATH]   what staff roles may ask for clients
          privacy   list [--status S] [--json] --business SLUG | approve|reject ID --by STAFF_EMAIL [--reason TEXT]  [--db PATH]
          audit     --business SLUG [--client ID] [--since YYYY-MM-DD] [--limit N] [--json] [--db PATH]   who did what, newest first
          db        backup --to FILE | restore --from FILE | status  [--force] [--db PATH]   online backup, restore, counts
          notices   list [--business SLUG] [--status S] [--kind K] [--client ID] [--limit N] [--json] [--db PATH]
          notices   run [--business SLUG] [--db PATH]          one pass of the reminders (serve runs them every minute)
          billing   charge --business SLUG --invoice NUMBER|ID [--db PATH]   collect a failed or open invoice now
          check     [--sms]                                  validate plugins/ and prompts/ (--sms: what each SMS costs)

        environment: FRONTDESK_DB (default ./frontdesk.sqlite), FRONTDESK_BASE_URL, FRONTDESK_HOME (checkout with
        plugins/ and prompts/), provider secrets (see README). `frontdesk <command> --help` shows one command.
        """

    /// Runs the command line and exits with 0, 1 (failure) or 2 (usage).
    public static func main() -> Never {
        let args = Array(CommandLine.arguments.dropFirst())
        let code = run(args, input: { readLine(strippingNewline: true) }, output: { print($0) })
        fflush(nil)
        exit(code)
    }

    /// Entry point for tests and `main`: returns the exit code.
    public static func run(
        _ args: [String], input: @escaping () -> String?, output: @escaping (String) -> Void,
        environment: [String: String] = ProcessInfo.processInfo.environment, clock: any Clock = SystemClock()
    ) -> Int32 {
        guard let command = args.first else {
            printError(usage)
            return 2
        }
        let rest = Array(args.dropFirst())
        if command == "--help" || command == "-h" || command == "help" {
            output(usage)
            return 0
        }
        if rest.contains("--help") || rest.contains("-h") {
            output(help(command) ?? usage)
            return help(command) == nil ? 2 : 0
        }
        let commands = Commands(environment: environment, clock: clock, input: input, output: output)
        do {
            try Startup.prepare(for: command)
            switch command {
            case "demo": try commands.demo(rest)
            case "say": try commands.say(rest)
            case "chat": try commands.chat(rest)
            case "classify": try commands.classify(rest)
            case "extract": try commands.extract(rest)
            case "plugins": try commands.plugins(rest)
            case "check": try commands.check(rest)
            case "outbox": try commands.outbox(rest)
            case "db": try commands.db(rest)
            case "admin": try commands.admin(rest)
            case "limits": try commands.limits(rest)
            case "client": try commands.client(rest)
            case "retention": try commands.retention(rest)
            case "audit": try commands.audit(rest)
            case "roles": try commands.roles(rest)
            case "privacy": try commands.privacy(rest)
            case "serve": try commands.serve(rest)
            case "notices": try commands.notices(rest)
            case "billing": try commands.billing(rest)
            default: throw CLIError.usage("unknown command \(command); see `frontdesk --help`")
            }
            return 0
        } catch let error as CLIError {
            printError("frontdesk: \(error)")
            if case .usage = error { return 2 }
            return 1
        } catch let error as Diagnostics {
            printError(error.items.map { "frontdesk: \($0)" }.joined(separator: "\n"))
            return 1
        } catch {
            printError("frontdesk: \(error)")
            return 1
        }
    }

    static func help(_ command: String) -> String? {
        // A command with several forms (`say TEXT`, `say --eml FILE`) shows each.
        let forms = usage.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { $0.hasPrefix(command + " ") }
        return forms.isEmpty ? nil : forms.map { "usage: frontdesk " + $0 }.joined(separator: "\n")
    }

    static func printError(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}
