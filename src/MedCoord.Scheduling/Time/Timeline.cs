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

    /// <summary>Minute 0: the earliest start of the horizon's first date in any zone involved.</summary>
    public Instant Origin { get; }

    /// <summary>The first minute after the horizon's last date ends in every zone involved.</summary>
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

    /// <summary>Every minute of the timeline.</summary>
    public MinuteSet Everything => MinuteSet.Of(long.MinValue / 4, long.MaxValue / 4);

    /// <summary>The minutes a weekly template covers on the horizon's dates in a zone, adjacent blocks merged.</summary>
    public MinuteSet Weekly(DateTimeZone zone, IEnumerable<WeeklyHours> blocks)
    {
        var ranges = new List<(long, long)>();
        foreach (var block in blocks)
        {
            foreach (var date in Horizon)
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

    private long CeilingMinute(Instant instant) => (long)Math.Ceiling((instant - Origin).TotalMinutes);
}
