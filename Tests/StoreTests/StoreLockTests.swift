import Foundation
import Glibc
@testable import Store
import Synchronization
import Testing

@Suite struct StoreLockTests {
    let folder = NSTemporaryDirectory() + "store-lock-" + UUID().uuidString

    /// A refused second open must close its descriptor once. Closing it twice closes whatever
    /// another thread opened under the same number in between: in the suite, a store's index,
    /// which then failed with "disk I/O error".
    @Test func aRefusedOpenClosesNoOtherThreadsFile() throws {
        let root = try StoreFolder.root(folder)
        let holder = try StoreLock(in: root)
        let stop = Atomic<Bool>(false)
        let lost = Atomic<Int>(0)
        let victim = Thread {
            while !stop.load(ordering: .relaxed) {
                let descriptor = open("/dev/null", O_RDONLY | O_CLOEXEC)
                for _ in 0..<20 where fcntl(descriptor, F_GETFD) < 0 { lost.add(1, ordering: .relaxed) }
                if close(descriptor) != 0 { lost.add(1, ordering: .relaxed) }
            }
        }
        victim.start()
        var refused = 0
        for _ in 0..<3000 {
            do { _ = try StoreLock(in: root) } catch { refused += 1 }
        }
        stop.store(true, ordering: .relaxed)
        Thread.sleep(forTimeInterval: 0.05)
        #expect(refused == 3000)
        #expect(lost.load(ordering: .relaxed) == 0)
        withExtendedLifetime(holder) {}
    }
}
