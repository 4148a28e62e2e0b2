import ArgumentParser

@main
struct Crawler: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crawler",
        abstract: "Fetches RSS, Atom and JSON feeds and stores each new item as a front-matter document.",
        discussion: """
            Settings and the list of feeds live in feeds.yaml. Documents go to the store folder it \
            names, one file per item, never twice.
            """,
        subcommands: [Run.self, Once.self, Status.self, Explain.self, Check.self, Add.self, ImportOPML.self,
                      ExportOPML.self, Parse.self, StoreCommand.self, FeedsCommand.self, PostsCommand.self]
    )
}

/// Exit codes shared by the commands, documented in the README.
enum ExitStatus {
    static let someFeedsFailed = ExitCode(1)
    static let configError = ExitCode(2)
    static let storeUnavailable = ExitCode(3)
}
