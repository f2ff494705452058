import Foundation
import FrontdeskConsole

extension DemoSecrets {
    /// What `serve --demo` prints for the web console: its URL and a one-time sign-in link for the demo's owner.
    static func console(_ console: Console, app: App) throws -> String {
        let owner = Demo.staff.first { $0.role == "owner" }?.email ?? ""
        let link = try console.signInLink(businessSlug: Demo.slug, email: owner) ?? "(no owner on file)"
        let base = app.config.baseURL
        return """
            Web console: \(base)/admin
              Sign in as the demo owner (works once): \(link)
              Emails waiting (no SMTP in the demo): \(base)/admin/mail
            """
    }
}
