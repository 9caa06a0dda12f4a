using MedCoord.Scheduling.Model;
using NodaTime;
using NodaTime.TimeZones;

namespace MedCoord.Scheduling.Time;

/// <summary>
/// Integer minutes from the horizon's first instant, and every wall-clock rule of the format in one place:
/// weekly blocks become instants per zone per day with NodaTime's lenient resolver.
/// </summary>
internal sealed class Timeline
{
    /// <param name="horizon">The problem's horizon.</param>
    /// <param name="zones">The facilities' zones, in which the horizon's dates are read.</param>
    public Timeline(DateInterval horizon, IEnumerable<DateTimeZone> zones)
    {
        Horizon = horizon;
        var zoneList = zones.Distinct().ToList();
        if (zoneList.Count == 0)
        {
            zoneList.Add(DateTimeZone.Utc);
        }

        Origin = zoneList.Min(z => StartOfDay(z, horizon.Start));
        var endInstant = zoneList.Max(z => StartOfDay(z, horizon.End.PlusDays(1)));
        EndMinute = ToMinute(endInstant);
    }

    public DateInterval Horizon { get; }

    /// <summary>Minute 0: the earliest start of the horizon's first date in any facility zone.</summary>
    public Instant Origin { get; }

    /// <summary>The first minute after the horizon's last date ends in every facility zone.</summary>
    public long EndMinute { get; }

    public static Instant StartOfDay(DateTimeZone zone, LocalDate date) => zone.AtStartOfDay(date).ToInstant();

    /// <summary>Resolves a local date and time the way the format says: skipped times shift forward by the gap, ambiguous ones take the earlier instant.</summary>
    public static Instant Resolve(DateTimeZone zone, LocalDateTime local) =>
        zone.ResolveLocal(local, Resolvers.LenientResolver).ToInstant();

    public long ToMinute(Instant instant) => (long)Math.Floor((instant - Origin).TotalMinutes);

    public Instant ToInstant(long minute) => Origin + Duration.FromMinutes(minute);

    public long DayStartMinute(DateTimeZone zone, LocalDate date) => ToMinute(StartOfDay(zone, date));

    /// <summary>The local date of a minute in a zone.</summary>
    public LocalDate LocalDateOf(DateTimeZone zone, long minute) => ToInstant(minute).InZone(zone).Date;

    /// <summary>The horizon's dates, read in one zone, as minutes.</summary>
    public MinuteSet WholeHorizon(DateTimeZone zone) =>
        MinuteSet.Of(DayStartMinute(zone, Horizon.Start), DayStartMinute(zone, Horizon.End.PlusDays(1)));


    /// <summary>The minutes a weekly template covers on the horizon's dates in a zone, adjacent blocks merged: a facility's or provider's hours.</summary>
    public MinuteSet Weekly(DateTimeZone zone, IEnumerable<WeeklyHours> blocks) => Weekly(zone, blocks, Horizon.Start, Horizon.End);

    /// <summary>
    /// The minutes a patient's weekly hours cover: on every local date of the patient's zone that overlaps the timeline
    /// [<see cref="Origin"/>, <see cref="EndMinute"/>), so that a patient far east or west of the facilities keeps the
    /// hours that fall on the horizon's first and last facility dates.
    /// </summary>
    public MinuteSet PatientWeekly(DateTimeZone zone, IEnumerable<WeeklyHours> blocks) =>
        Weekly(zone, blocks, LocalDateOf(zone, 0), LocalDateOf(zone, EndMinute - 1));

    private MinuteSet Weekly(DateTimeZone zone, IEnumerable<WeeklyHours> blocks, LocalDate first, LocalDate last)
    {
        var ranges = new List<(long, long)>();
        foreach (var block in blocks)
        {
            for (var date = first; date <= last; date = date.PlusDays(1))
            {
                if (!block.Days.Contains(date.DayOfWeek))
                {
                    continue;
                }

                var from = Resolve(zone, date + block.From);
                var to = block.EndsAtEndOfDay ? Resolve(zone, date.PlusDays(1).AtMidnight()) : Resolve(zone, date + block.To);
                ranges.Add((ToMinute(from), ToMinute(to)));
            }
        }

        return MinuteSet.FromRanges(ranges);
    }

    /// <summary>The minutes covered by absolute blocks.</summary>
    public MinuteSet Absolute(IEnumerable<Interval> blocks) =>
        MinuteSet.FromRanges(blocks.Select(b => (ToMinute(b.Start), CeilingMinute(b.End))));

    /// <summary>Start minutes whose local date in the zone lies within [earliest, latest].</summary>
    public MinuteSet DateWindow(DateTimeZone zone, LocalDate earliest, LocalDate latest) =>
        MinuteSet.Of(DayStartMinute(zone, earliest), DayStartMinute(zone, latest.PlusDays(1)));

    /// <summary>
    /// Where local minutes and days are counted from: the first supported date, 0001-01-01. Every supported wall-clock
    /// time is at or after it, so the counts are never negative and dividing them rounds down, in C# and in CP-SAT
    /// alike (both round toward zero: from 1970, a date before it would fall on the day after).
    /// </summary>
    public static readonly LocalDate LocalEpoch = Validation.SupportedRange.MinDate;

    private static readonly long LocalEpochSeconds = LocalEpoch.AtMidnight().InUtc().ToInstant().ToUnixTimeSeconds();

    /// <summary>Minutes from <see cref="LocalEpoch"/> to a wall-clock date and time.</summary>
    public static long LocalMinute(LocalDateTime local) => (local.InUtc().ToInstant().ToUnixTimeSeconds() - LocalEpochSeconds) / 60;

    /// <summary>
    /// The stretches of the timeline over which a zone keeps one UTC offset, each with the shift that turns a minute
    /// into a count of local minutes since <see cref="LocalEpoch"/>: the local date of minute <c>m</c> is day
    /// <c>(m + shift) / 1440</c> since then.
    /// </summary>
    public IReadOnlyList<LocalDaySegment> LocalDaySegments(DateTimeZone zone)
    {
        var originMinutes = (Origin.ToUnixTimeSeconds() - LocalEpochSeconds) / 60;
        return [.. zone.GetZoneIntervals(new Interval(Origin, ToInstant(EndMinute)))
            .Select(z => new LocalDaySegment(
                z.HasStart ? Math.Max(0, ToMinute(z.Start)) : 0,
                z.HasEnd ? Math.Min(EndMinute, ToMinute(z.End)) : EndMinute,
                originMinutes + (z.WallOffset.Seconds / 60)))
            .Where(z => z.From < z.To)];
    }

    /// <summary>Days from <see cref="LocalEpoch"/> to a date.</summary>
    public static long EpochDay(LocalDate date) => Period.Between(LocalEpoch, date, PeriodUnits.Days).Days;

    private long CeilingMinute(Instant instant) => (long)Math.Ceiling((instant - Origin).TotalMinutes);
}

/// <summary>Minutes [<see cref="From"/>, <see cref="To"/>) over which one UTC offset holds in a zone.</summary>
/// <param name="From">First minute.</param>
/// <param name="To">First minute after.</param>
/// <param name="Shift">Added to a minute, gives local minutes since <see cref="Timeline.LocalEpoch"/>.</param>
internal sealed record LocalDaySegment(long From, long To, long Shift);
