namespace MedCoord.Scheduling.Tests.Solving;

/// <summary>The time after the search (until when, the conflict search, the checks on an empty calendar, naming blockers), and the bound a schedule reports.</summary>
public sealed class ExplanationBudgetTests
{
    private static TimeSpan Ms(double milliseconds) => TimeSpan.FromMilliseconds(milliseconds);

    [Theory]
    [InlineData(0, 500)]
    [InlineData(1, 500.8)]
    [InlineData(625, 1000)]
    [InlineData(3125, 3000)]
    [InlineData(10_000, 3000)]
    public void Reserve_HalfASecondAndPerUnbookedRequest_AtMostThreeSeconds(int unbooked, double expectedMs) =>
        Assert.Equal(Ms(expectedMs), ExplanationBudget.Reserve(unbooked));

    [Theory]
    [InlineData(10_000, 0, 1_000, 9_500)] // the checks stop the reserve (0.5 s) before the end
    [InlineData(10_000, 0, 9_400, 9_900)] // a small problem gets 0.5 s of checks even past that
    [InlineData(10_000, 625, 9_000, 9_500)] // a reserve of exactly 1 s is still small
    [InlineData(10_000, 626, 9_000, 9_000)] // above 1 s, the checks keep to the limit
    [InlineData(10_000, 10_000, 8_000, 8_000)] // a large problem past its share gets no checks
    [InlineData(10_000, 10_000, 2_000, 7_000)] // and otherwise stops 3 s before the end
    public void ChecksDeadline_LeavesTheReserve_ButSmallProblemsGetHalfASecond(int explainUntilMs, int unbooked, int nowMs, int expectedMs) =>
        Assert.Equal(Ms(expectedMs), ExplanationBudget.ChecksDeadline(Ms(explainUntilMs), unbooked, Ms(nowMs)));

    [Theory]
    [InlineData(10_000, 9_000, 900)]
    [InlineData(10_000, 5_000, 2_000)]
    [InlineData(10_000, 9_750, 150)]
    [InlineData(10_000, 9_751, 0)]
    [InlineData(10_000, 11_000, 0)]
    public void CheckLimit_AtMostTwoSeconds_ATenthLessThanWhatIsLeft_NoneUnderAQuarter(int deadlineMs, int nowMs, double expectedMs) =>
        Assert.Equal(Ms(expectedMs), ExplanationBudget.CheckLimit(Ms(deadlineMs), Ms(nowMs)));

    [Theory]
    [InlineData(ScheduleStatus.Optimal, 5, 7, 5)]
    [InlineData(ScheduleStatus.Feasible, 5, 7, 7)]
    [InlineData(ScheduleStatus.Feasible, 5, 3, 5)]
    [InlineData(ScheduleStatus.NoSolutionFound, 0, 12, 12)]
    public void UpperBound_IsTheBookedPriorityWhenOptimal_OtherwiseTheSearchBoundButNeverLess(ScheduleStatus status, long priority, long searchBound, long expected) =>
        Assert.Equal(expected, ScheduleBuilder.UpperBound(status, priority, searchBound));

    [Theory]
    [InlineData(false, 3_000, 9_000)]
    [InlineData(true, 3_000, 3_500)]
    public void ExplainUntil_IsTheTimeLimit_OrHalfASecondAfterACancellation(bool cancelled, int nowMs, int expectedMs) =>
        Assert.Equal(Ms(expectedMs), ExplanationBudget.ExplainUntil(cancelled, Ms(9_000), Ms(nowMs)));

    [Theory]
    [InlineData(9_000, 5_000, 4_000)]
    [InlineData(9_000, 8_699, 301)]
    [InlineData(9_000, 8_700, 300)]
    [InlineData(9_000, 9_500, 300)]
    public void ConflictSearchTime_IsWhatIsLeft_ButAtLeastThreeTenths(int untilMs, int nowMs, int expectedMs) =>
        Assert.Equal(Ms(expectedMs), ExplanationBudget.ConflictSearchTime(Ms(untilMs), Ms(nowMs)));
}
