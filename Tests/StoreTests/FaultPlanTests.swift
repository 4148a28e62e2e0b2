@testable import Store
import Testing

/// `CRAWLER_FAULT`'s rules: which invocation of which call fails, with which error.
@Suite struct FaultPlanTests {
    private func failures(_ rules: String, _ call: SystemCalls.Call, times: Int) -> [Int32?] {
        let plan = FaultPlan(parsing: rules)
        return (0..<times).map { _ in plan?.failure(of: call) }
    }

    @Test func aNumberFailsThatInvocationOnly() {
        #expect(failures("syncfs:EIO:2", .syncfs, times: 4) == [nil, EIO, nil, nil])
    }

    @Test func aPlusFailsThatInvocationAndEveryLaterOne() {
        #expect(failures("link:ENOSPC:3+", .link, times: 4) == [nil, nil, ENOSPC, ENOSPC])
    }

    @Test func eachCallIsCountedOnItsOwn() {
        let plan = FaultPlan(parsing: "link:EROFS:2+,unlink:EROFS:1+")
        #expect(plan?.failure(of: .unlink) == EROFS)
        #expect(plan?.failure(of: .link) == nil)
        #expect(plan?.failure(of: .write) == nil)
        #expect(plan?.failure(of: .link) == EROFS)
    }

    @Test func unsetOrEmptyIsNoPlanAndAMalformedRuleFailsNothing() {
        #expect(FaultPlan(parsing: nil) == nil)
        #expect(FaultPlan(parsing: "") == nil)
        #expect(failures("syncfs:EWHAT:1,sync:EIO:1,write:EIO:0", .syncfs, times: 2) == [nil, nil])
        #expect(failures("syncfs:EWHAT:1,sync:EIO:1,write:EIO:0", .write, times: 2) == [nil, nil])
    }
}
