using MedCoord.Fhir.Scheduling;
using MedCoord.Scheduling.Model;
using NodaTime;
using Xunit;

namespace MedCoord.Fhir.Tests;

/// <summary>The interval arithmetic behind the free Slots.</summary>
public sealed class IntervalsTests
{
    private static readonly Instant T0 = Instant.FromUtc(2026, 12, 7, 0, 0);

    private static Interval I(int from, int to) => new(T0 + Duration.FromMinutes(from), T0 + Duration.FromMinutes(to));

    [Fact]
    public void Full_ASharedRoom_IsFullOnlyWhereCapacityIsReached() =>
        Assert.Equal([I(5, 10)], Intervals.Full([I(0, 10), I(5, 15), I(20, 30)], 2));

    [Fact]
    public void Full_ASingleRoom_IsFullWheneverHeld() =>
        Assert.Equal([I(0, 15), I(20, 30)], Intervals.Full([I(0, 10), I(5, 15), I(20, 30)], 1));

    [Fact]
    public void Subtract_CutsHolesAndTrims() =>
        Assert.Equal([I(0, 5), I(10, 20), I(25, 30)], Intervals.Subtract([I(0, 30)], [I(-5, 0), I(5, 10), I(20, 25)]));

    [Fact]
    public void Intersect_KeepsWhereBothHold() =>
        Assert.Equal([I(5, 10), I(20, 22)], Intervals.Intersect([I(0, 10), I(20, 30)], [I(5, 22)]));

    [Fact]
    public void Weekly_OnASpringForwardDay_KeepsTheLocalClockTimes()
    {
        var zone = DateTimeZoneProviders.Tzdb["America/New_York"];
        var sunday = new LocalDate(2026, 3, 8);

        var blocks = Intervals.Weekly(new WeeklyHours([IsoDayOfWeek.Sunday], new LocalTime(1, 0), new LocalTime(4, 0)), zone, new DateInterval(sunday, sunday.PlusDays(6)));

        var block = Assert.Single(blocks);
        Assert.Equal(Duration.FromHours(2), block.Duration);
    }

    [Fact]
    public void Merge_JoinsTouchingAndOverlappingIntervalsInAnyOrder_KeepingTheLaterEnd() =>
        Assert.Equal([I(0, 20), I(25, 30)], Intervals.Merge([I(25, 30), I(10, 15), I(0, 10), I(2, 20), I(12, 14)]));

    [Fact]
    public void Merge_Nothing_IsNothing() => Assert.Empty(Intervals.Merge([]));

    [Fact]
    public void Full_AnAppointmentEndingAsAnotherStarts_NeverFillsARoomOfTwo() =>
        Assert.Empty(Intervals.Full([I(0, 10), I(10, 20)], 2));

    [Fact]
    public void Full_ThreeAtOnceInARoomOfThree_IsFullWhileAllThreeAreIn_AndTouchingFullStretchesJoin() =>
        Assert.Equal([I(4, 10), I(12, 16)], Intervals.Full([I(0, 8), I(2, 10), I(4, 16), I(12, 20), I(8, 16)], 3));

    [Fact]
    public void Full_NothingHeld_IsNeverFull() => Assert.Empty(Intervals.Full([], 1));

    [Fact]
    public void Subtract_ABlockOverTheWholeInterval_LeavesNothing_AndOneOutsideLeavesItWhole() =>
        Assert.Equal([I(40, 50)], Intervals.Subtract([I(0, 10), I(40, 50)], [I(-5, 15), I(50, 60), I(30, 40)]));

    [Fact]
    public void Subtract_BlocksFlushWithBothEdges_LeaveNoEmptyInterval() =>
        Assert.Equal([I(5, 25)], Intervals.Subtract([I(0, 30)], [I(0, 5), I(25, 30)]));

    [Theory]
    [InlineData(0, 0, true, "23:59:59")]
    [InlineData(0, 0, false, "00:00:00")]
    [InlineData(17, 30, true, "17:30:00")]
    [InlineData(8, 5, false, "08:05:00")]
    public void Time_IsHoursMinutesAndSeconds_AnEndAtMidnightTheLastSecondOfTheDay(int hour, int minute, bool isEnd, string expected) =>
        Assert.Equal(expected, FhirNames.Time(new LocalTime(hour, minute), isEnd));

    [Fact]
    public void Subtract_OverlappingBlocks_CutOnce() =>
        Assert.Equal([I(0, 5), I(15, 20)], Intervals.Subtract([I(0, 20)], [I(5, 10), I(8, 12), I(9, 15)]));

    [Fact]
    public void Intersect_TouchingIntervals_ShareNothing() =>
        Assert.Empty(Intervals.Intersect([I(0, 10)], [I(10, 20), I(-10, 0)]));

    [Fact]
    public void Weekly_OnlyTheDaysListed_FromTheirStartToTheirEnd_OrTheNextMidnight()
    {
        var zone = DateTimeZoneProviders.Tzdb["Asia/Kolkata"];
        var monday = new LocalDate(2026, 12, 7);
        var week = new DateInterval(monday, monday.PlusDays(6));
        Instant At(int day, int hour, int minute = 0) => zone.AtStrictly(monday.PlusDays(day).At(new LocalTime(hour, minute))).ToInstant();

        Assert.Equal(
            [new Interval(At(1, 9, 30), At(1, 17)), new Interval(At(3, 9, 30), At(3, 17))],
            Intervals.Weekly(new WeeklyHours([IsoDayOfWeek.Tuesday, IsoDayOfWeek.Thursday], new LocalTime(9, 30), new LocalTime(17, 0)), zone, week));
        Assert.Equal(
            [new Interval(At(5, 20), At(6, 0)), new Interval(At(6, 20), At(7, 0))],
            Intervals.Weekly(new WeeklyHours([IsoDayOfWeek.Saturday, IsoDayOfWeek.Sunday], new LocalTime(20, 0), LocalTime.Midnight), zone, week));
        Assert.Empty(Intervals.Weekly(new WeeklyHours([IsoDayOfWeek.Monday], new LocalTime(9, 0), new LocalTime(9, 0)), zone, week));
    }

    [Fact]
    public void Weekly_OnAFallBackDay_IsAnHourLonger()
    {
        var zone = DateTimeZoneProviders.Tzdb["America/New_York"];
        var sunday = new LocalDate(2026, 11, 1);

        var block = Assert.Single(Intervals.Weekly(new WeeklyHours([IsoDayOfWeek.Sunday], LocalTime.Midnight, LocalTime.Midnight), zone, new DateInterval(sunday, sunday)));

        Assert.Equal(Duration.FromHours(25), block.Duration);
    }
}
