using System.Globalization;
using NodaTime;
using NodaTime.Text;

namespace MedCoord.Scheduling.Validation;

/// <summary>
/// The dates, times and zone offsets the format accepts. NodaTime holds dates from -9998-01-01 to 9999-12-31 and
/// instants within the same years in UTC; adding a day past either end, or reading a date's start in a zone ahead of or
/// behind UTC there, overflows. The engine reads every horizon date in every zone a problem uses, and the days around
/// it, at offsets of up to 18 hours; keeping every date and date-time within years 0001 to 9998 leaves that arithmetic
/// at least a year from either end. Times have minute resolution, so every zone must also keep a whole-minute UTC offset
/// over the horizon: tzdb zones used local mean time, an offset with seconds, before they took standard time (most
/// before 1900, a few until 1972).
/// </summary>
internal static class SupportedRange
{
    /// <summary>The first date accepted.</summary>
    public static readonly LocalDate MinDate = new(1, 1, 1);

    /// <summary>The last date accepted.</summary>
    public static readonly LocalDate MaxDate = new(9998, 12, 31);

    /// <summary>The first instant accepted: the first date's start in UTC.</summary>
    public static readonly Instant MinInstant = MinDate.AtMidnight().InUtc().ToInstant();

    /// <summary>The last instant accepted: the end of the last date in UTC (an interval may end there).</summary>
    public static readonly Instant MaxInstant = MaxDate.PlusDays(1).AtMidnight().InUtc().ToInstant();

    /// <summary>The message for a date outside the range.</summary>
    public const string DateMessage = "must be from 0001-01-01 to 9998-12-31 (the supported range of dates)";

    /// <summary>The message for a date-time outside the range.</summary>
    public const string DateTimeMessage = "must be from 0001-01-01T00:00:00Z to 9999-01-01T00:00:00Z, as written and in UTC (the supported range of times)";

    private static readonly LocalDateTime MinLocal = MinDate.AtMidnight();
    private static readonly LocalDateTime MaxLocal = MaxDate.PlusDays(1).AtMidnight();

    public static bool Contains(LocalDate date) => date >= MinDate && date <= MaxDate;

    public static bool Contains(Instant instant) => instant >= MinInstant && instant <= MaxInstant;

    /// <summary>Whether a date-time lies within the range both as written and in UTC; its instant is then safe to compute.</summary>
    public static bool Contains(OffsetDateTime value) =>
        value.LocalDateTime >= MinLocal && value.LocalDateTime <= MaxLocal && Contains(value.ToInstant());

    /// <summary>
    /// The first UTC offset of a zone, from three days before the horizon to three days after it, that is not a whole
    /// number of minutes; null when there is none. The horizon must lie within the range.
    /// </summary>
    public static Offset? SubMinuteOffset(DateTimeZone zone, DateInterval horizon)
    {
        var from = horizon.Start.PlusDays(-3).AtMidnight().InUtc().ToInstant();
        var to = horizon.End.PlusDays(3).AtMidnight().InUtc().ToInstant();
        foreach (var interval in zone.GetZoneIntervals(from, to))
        {
            if (interval.WallOffset.Seconds % 60 != 0)
            {
                return interval.WallOffset;
            }
        }

        return null;
    }

    /// <summary>The message for a zone whose offset has seconds during the horizon.</summary>
    public static string SubMinuteOffsetMessage(DateTimeZone zone, Offset offset) => string.Create(CultureInfo.InvariantCulture,
        $"zone '{zone.Id}' keeps UTC offset {OffsetPattern.GeneralInvariant.Format(offset)} (local mean time) around the horizon; times have minute resolution, so every zone must keep a whole-minute offset there");
}
