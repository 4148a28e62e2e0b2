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
        var limit = rlimit()
        if getrlimit(__rlimit_resource_t(RLIMIT_AS.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max,
           limit.rlim_cur < rlim_t(addressSpaceNeeded) {
            let reason = "the crawler maps its libraries and its threads' stacks in \(addressSpaceNeeded >> 20) MB or more "
                + "(it keeps far less resident); under this limit threads may not start and the crawl may hang"
            logger.warning("process_limit", metadata: [
                "limit": "address space \(limit.rlim_cur >> 20) MB (ulimit -v, LimitAS=)", "reason": "\(reason)",
            ])
        }
        // Root is not held to it.
        if geteuid() != 0, getrlimit(__rlimit_resource_t(__RLIMIT_NPROC.rawValue), &limit) == 0,
           limit.rlim_cur != rlim_t.max, limit.rlim_cur < rlim_t(threadsNeeded) {
            let reason = "the crawler runs up to \(threadsNeeded) threads; under this limit threads may not start and the crawl may hang"
            logger.warning("process_limit", metadata: [
                "limit": "\(limit.rlim_cur) processes and threads for this user (ulimit -u, LimitNPROC=)", "reason": "\(reason)",
            ])
        }
    }
}
