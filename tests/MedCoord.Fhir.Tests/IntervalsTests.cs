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
}
