import CLinux
import Glibc
import Logging

/// Limits under which the crawl cannot start its threads: round 57 found `once` and `run` hanging
/// without a line under `ulimit -v` of 150–190 MB (a pass of 200 small feeds peaks at 260 MB of
/// address space: thread stacks and libraries, far more than it keeps resident) and under
/// `ulimit -u` of 5 or less. Said once at start, so that a hang has its reason in the log.
enum ProcessLimits {
    static let addressSpaceNeeded = 512 << 20
    static let threadsNeeded = 64

    static func warn(_ logger: Logger) {
        let addressSpace = crawler_address_space_limit()
        if addressSpace >= 0, addressSpace < addressSpaceNeeded {
            let reason = "the crawler maps its libraries and its threads' stacks in \(addressSpaceNeeded >> 20) MB or more "
                + "(it keeps far less resident); under this limit threads may not start and the crawl may hang"
            logger.warning("process_limit", metadata: [
                "limit": "address space \(addressSpace >> 20) MB (ulimit -v, LimitAS=)", "reason": "\(reason)",
            ])
        }
        // Root is not held to it.
        let tasks = crawler_process_limit()
        if geteuid() != 0, tasks >= 0, tasks < threadsNeeded {
            let reason = "the crawler runs up to \(threadsNeeded) threads; under this limit threads may not start and the crawl may hang"
            logger.warning("process_limit", metadata: [
                "limit": "\(tasks) processes and threads for this user (ulimit -u, LimitNPROC=)", "reason": "\(reason)",
            ])
        }
    }
}
