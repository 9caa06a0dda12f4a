using MedCoord.Scheduling.Time;
using static MedCoord.Scheduling.Tests.TestProblems;

namespace MedCoord.Scheduling.Tests.Time;

/// <summary>Minutes, dates and zones on small horizons, the values worked out by hand from the zones' offsets.</summary>
public sealed class TimelineTests
{
    private static readonly DateTimeZone NewYork = Zone("America/New_York");

    /// <summary>Saturday 7 to Monday 9 March 2026 in New York: clocks go from UTC-5 to UTC-4 at 02:00 on Sunday.</summary>
    private static Timeline SpringForward() => new(new DateInterval(Date("2026-03-07"), Date("2026-03-09")), [NewYork]);

    [Fact]
    public void Constructor_SeveralZones_SpanFromTheEarliestMidnightToTheLatest()
    {
        var timeline = new Timeline(new DateInterval(Date("2026-03-02"), Date("2026-03-02")), [NewYork, DateTimeZone.Utc, DateTimeZone.Utc]);

        Assert.Equal(At("2026-03-02T00:00:00Z"), timeline.Origin);
        Assert.Equal(1440 + 300, timeline.EndMinute);
        Assert.Equal(300, timeline.DayStartMinute(NewYork, Date("2026-03-02")));
        Assert.Equal(new[] { (300L, 1740L) }, timeline.WholeHorizon(NewYork).Ranges);
        Assert.Equal(new[] { (0L, 1440L) }, timeline.WholeHorizon(DateTimeZone.Utc).Ranges);
    }

    [Fact]
    public void Constructor_NoZones_ReadsTheHorizonInUtc()
    {
        var timeline = new Timeline(new DateInterval(Date("2026-03-02"), Date("2026-03-03")), []);

        Assert.Equal(At("2026-03-02T00:00:00Z"), timeline.Origin);
        Assert.Equal(2880, timeline.EndMinute);
    }

    [Fact]
    public void ToMinute_RoundsDownAndAbsoluteBlocksRoundOutwards()
    {
        var timeline = SpringForward();
        var origin = At("2026-03-07T05:00:00Z");

        Assert.Equal(origin, timeline.Origin);
        Assert.Equal(0, timeline.ToMinute(origin + Duration.FromSeconds(30)));
        Assert.Equal(-1, timeline.ToMinute(origin - Duration.FromSeconds(30)));
        Assert.Equal(origin + Duration.FromMinutes(90), timeline.ToInstant(90));
        Assert.Equal(new[] { (0L, 2L), (10L, 11L) },
            timeline.Absolute([new Interval(origin + Duration.FromSeconds(30), origin + Duration.FromSeconds(90)), new Interval(origin + Duration.FromMinutes(10), origin + Duration.FromMinutes(11))]).Ranges);
    }

    [Fact]
    public void DayStarts_AcrossSpringForward_TheSundayHasTwentyThreeHours()
    {
        var timeline = SpringForward();

        Assert.Equal(1440, timeline.DayStartMinute(NewYork, Date("2026-03-08")));
        Assert.Equal(1440 + 1380, timeline.DayStartMinute(NewYork, Date("2026-03-09")));
        Assert.Equal(1440 + 1380 + 1440, timeline.EndMinute);
        Assert.Equal(new[] { (1440L, 2820L) }, timeline.DateWindow(NewYork, Date("2026-03-08"), Date("2026-03-08")).Ranges);
        Assert.Equal(Date("2026-03-08"), timeline.LocalDateOf(NewYork, 2819));
        Assert.Equal(Date("2026-03-09"), timeline.LocalDateOf(NewYork, 2820));
    }

    [Fact]
    public void Resolve_SkippedTimeShiftsForwardAndAmbiguousTimeTakesTheEarlierInstant()
    {
        Assert.Equal(At("2026-03-08T07:30:00Z"), Timeline.Resolve(NewYork, new LocalDateTime(2026, 3, 8, 2, 30)));
        Assert.Equal(At("2026-11-01T05:30:00Z"), Timeline.Resolve(NewYork, new LocalDateTime(2026, 11, 1, 1, 30)));
    }

    [Fact]
    public void Weekly_BlocksOnTheirDaysOnly_WithTheRealLengthOnTheDstDay()
    {
        var timeline = SpringForward();

        // 01:00 EST is 06:00Z (minute 1500); 04:00 EDT is 08:00Z (1620): two real hours.
        Assert.Equal(new[] { (1500L, 1620L) }, timeline.Weekly(NewYork, [Week("01:00", "04:00", IsoDayOfWeek.Sunday)]).Ranges);

        // 02:30 does not exist on the Sunday and becomes 03:30 EDT (07:30Z, minute 1590).
        Assert.Equal(new[] { (1590L, 1680L) }, timeline.Weekly(NewYork, [Week("02:30", "05:00", IsoDayOfWeek.Sunday)]).Ranges);

        // 22:00 to 24:00 on Saturday and Monday, 00:00 to 01:00 on Saturday and Sunday: Saturday's late block runs into Sunday's early one.
        Assert.Equal(new[] { (0L, 60L), (1320L, 1500L), (2820L + 1320L, 4260L) },
            timeline.Weekly(NewYork, [Week("22:00", "24:00", IsoDayOfWeek.Monday, IsoDayOfWeek.Saturday), Week("00:00", "01:00", IsoDayOfWeek.Saturday, IsoDayOfWeek.Sunday)]).Ranges);
    }

    [Fact]
    public void PatientWeekly_ReadsEveryLocalDateOfThePatientThatOverlapsTheTimeline()
    {
        var timeline = SpringForward();
        var hours = new[] { Week("01:00", "02:00") };

        // In UTC the timeline runs from 05:00Z on the 7th to 04:00Z on the 10th: the 10th's hour is the patient's too.
        Assert.Equal(new[] { (-240L, -180L), (1200L, 1260L), (2640L, 2700L) }, timeline.Weekly(DateTimeZone.Utc, hours).Ranges);
        Assert.Equal(new[] { (-240L, -180L), (1200L, 1260L), (2640L, 2700L), (4080L, 4140L) }, timeline.PatientWeekly(DateTimeZone.Utc, hours).Ranges);
    }

    [Fact]
    public void LocalDaySegments_SplitAtTheChangeOfOffset()
    {
        var timeline = SpringForward();
        var midnight = 739_681L * 1440;   // 2026-03-07 00:00 local, in minutes since 0001-01-01

        // The change is at 02:00 EST, 07:00Z on the 8th: minute 1440 + 120.
        Assert.Equal([new LocalDaySegment(0, 1560, midnight), new LocalDaySegment(1560, 4260, midnight + 60)], timeline.LocalDaySegments(NewYork));
        Assert.Equal([new LocalDaySegment(0, 4260, midnight + 300)], timeline.LocalDaySegments(DateTimeZone.Utc));
        Assert.Equal(739_681, Timeline.EpochDay(Date("2026-03-07")));
        Assert.Equal(719_162, Timeline.EpochDay(Date("1970-01-01")));
        Assert.Equal(0, Timeline.EpochDay(Date("0001-01-01")));
    }
}
