import ArgumentParser
import CLinux
import Glibc
import CrawlerApp

@main
struct Crawler: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crawler",
        abstract: "Fetches RSS, Atom and JSON feeds and stores each new item as a front-matter document.",
        discussion: """
            Settings and the list of feeds live in feeds.yaml. Documents go to the store folder it \
            names, one file per item, never twice.
            """,
        version: "crawler \(CrawlerVersion.current)",
        subcommands: [Run.self, Once.self, Status.self, Explain.self, Check.self, List.self, Init.self, Add.self,
                      ImportOPML.self, ExportOPML.self, Parse.self, Preview.self, StoreCommand.self, FeedsCommand.self,
                      PostsCommand.self]
    )

    /// ArgumentParser's own `main`, except that a command that succeeded ends with `ProcessEnd`.
    /// Failures exit as before, with ArgumentParser's messages.
    static func main() async {
        // Before anything that takes time: a SIGHUP (a reload sent just after a start), SIGUSR1 or
        // SIGUSR2 in the daemon's first milliseconds met their default action and ended it without
        // a word (round 68). `run`'s signal watcher takes SIGHUP over when it starts.
        SignalWatcher.ignoreEarlySignals(of: CommandLine.arguments.dropFirst().first)
        // Then, before the first task starts a thread: every thread that allocates before the
        // cap is set gets an arena of its own, and the daemon kept their freed memory (15 MB).
        crawler_limit_malloc_arenas(2)
        crawler_say_bus_errors()
        // A reader that closes early (`crawler status --failing | head -5`) costs an EPIPE, not the
        // process: killed by SIGPIPE, `status` and `store verify` lost their exit status.
        signal(SIGPIPE, SIG_IGN)
        HelpTopic.refuseUnknown(CommandLine.arguments.dropFirst())
        // No command at all: a timer or script line whose arguments were lost printed the help and
        // "succeeded". The help still comes, on stderr, with the status of an unknown command.
        if CommandLine.arguments.count <= 1 {
            printError(Crawler.helpMessage())
            ProcessEnd.now(ExitCode.validationFailure)
        }
        do {
            var command = try await asyncParseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
        ProcessEnd.now(.success)
    }
}

/// Ends the process with `_exit` once C stdio is flushed: the C libraries' exit handlers and
/// destructors, tearing down what the kernel frees anyway, took 1-2.5 ms of a 304 pass over
/// 1,000 feeds. Only for a command whose stores are closed: by then nothing but stdio's buffers
/// holds anything that is not already on disk.
enum ProcessEnd {
    static func now(_ status: ExitCode) -> Never {
        var status = status
        let problem = crawler_flush_standard_output()
        if problem != 0, !standardOutputIsAPipe() {
            // `once >/dev/full`: the summary was lost, and the exit status said all was well.
            printError("crawler: could not write the output: \(String(cString: strerror(problem)))")
            if status == .success { status = ExitCode(1) }
        }
        StandardError.drain()
        fflush(nil)
        _exit(status.rawValue)
    }

    /// A pipe's reader may stop reading on purpose (`| head -1`): that is no failure.
    private static func standardOutputIsAPipe() -> Bool {
        var info = stat()
        return fstat(STDOUT_FILENO, &info) == 0 && (info.st_mode & S_IFMT) == S_IFIFO
    }
}

/// Exit codes shared by the commands, documented in the README.
enum ExitStatus {
    static let someFeedsFailed = ExitCode(1)
    static let configError = ExitCode(2)
    static let storeUnavailable = ExitCode(3)
}

/// `crawler help NAME` for a NAME that is no command printed the overview and exited 0, so a
/// typo looked like an answer: it is refused, naming the commands there are.
enum HelpTopic {
    static func refuseUnknown(_ arguments: ArraySlice<String>) {
        guard arguments.first == "help", let problem = problem(Array(arguments.dropFirst())) else { return }
        printError("crawler: help: \(problem)")
        ProcessEnd.now(ExitCode.validationFailure)
    }

    /// What is wrong with the command path `words`, or nil when each word names a subcommand.
    static func problem(_ words: [String]) -> String? {
        var subcommands = Crawler.configuration.subcommands
        var path = "crawler"
        // A word past a command without subcommands is left to that command's own help.
        for word in words where !word.hasPrefix("-") && !subcommands.isEmpty {
            let names = subcommands.map { $0._commandName }
            guard let index = names.firstIndex(of: word) else {
                return "'\(path) \(word)' is not a command; commands: \(names.joined(separator: ", "))"
            }
            subcommands = subcommands[index].configuration.subcommands
            path += " " + word
        }
        return nil
    }
}
