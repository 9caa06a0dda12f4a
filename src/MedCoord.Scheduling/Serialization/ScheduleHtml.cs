using System.Globalization;
using System.Net;
using System.Text;
using MedCoord.Scheduling.Model;
using MedCoord.Scheduling.Results;
using NodaTime;

namespace MedCoord.Scheduling.Serialization;

/// <summary>
/// A picture of a schedule as one self-contained HTML page (inline SVG and CSS, no scripts, fonts or other files):
/// a band per facility and local day with a Gantt row per provider and per room, appointments coloured by type
/// (hover for request, patient id and times), a legend, and every unscheduled request with its reason. The page is
/// well-formed XML as well as HTML. Thread safe.
/// </summary>
public static class ScheduleHtml
{
    private const int LabelWidth = 170;
    private const int RowHeight = 22;
    private const int PixelsPerHour = 80;
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Renders the page.</summary>
    /// <param name="problem">The problem the schedule solves (for types and facility names).</param>
    /// <param name="schedule">The schedule.</param>
    /// <returns>The page's text.</returns>
    public static string Render(Problem problem, Schedule schedule)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(schedule);
        var requests = problem.Requests.ToDictionary(r => r.Id, StringComparer.Ordinal);
        var colours = problem.AppointmentTypes.Select((t, i) => (t.Id, Colour: Colour(i, problem.AppointmentTypes.Count)))
            .ToDictionary(x => x.Id, x => x.Colour, StringComparer.Ordinal);
        string TypeOf(Assignment a) => requests.TryGetValue(a.RequestId, out var r) ? r.TypeId : string.Empty;
        var capacities = problem.Rooms.ToDictionary(r => r.Id, r => r.Capacity, StringComparer.Ordinal);

        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n<meta charset=\"utf-8\" />\n<title>Schedule</title>\n<style>\n")
            .Append("body{font-family:sans-serif;margin:24px;color:#222}h1{font-size:20px}h2{font-size:16px;margin-top:28px}")
            .Append("table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;font-size:13px;text-align:left}")
            .Append(".legend span{display:inline-block;margin-right:14px;font-size:13px}.legend i{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:middle}")
            .Append("svg text{font-size:11px;font-family:sans-serif}\n</style>\n</head>\n<body>\n");

        var o = schedule.Objective;
        html.Append(Inv, $"<h1>Schedule: {schedule.Status}</h1>\n<p>{schedule.Assignments.Count} booked, {schedule.Unscheduled.Count} not booked; ")
            .Append(Inv, $"priority {o.ScheduledPriority} of a proven bound {o.UpperBound}; waiting cost {o.WaitingCost}")
            .Append(o.SoftRules is { } soft ? string.Create(Inv, $"; soft rules {soft.Total} (continuity {soft.Continuity}, daily cap {soft.DailyCap}, balance {soft.Balance})") : string.Empty)
            .Append(".</p>\n");

        html.Append("<p class=\"legend\">");
        foreach (var type in problem.AppointmentTypes)
        {
            html.Append(Inv, $"<span><i style=\"background:{colours[type.Id]}\"></i>{Escape(type.Id)}</span>");
        }

        html.Append("</p>\n");

        var bands = schedule.Assignments
            .GroupBy(a => (a.FacilityId, a.Start.Date))
            .OrderBy(g => g.Key.Date).ThenBy(g => g.Key.FacilityId, StringComparer.Ordinal);
        foreach (var band in bands)
        {
            html.Append(Inv, $"<h2>{Escape(band.Key.FacilityId)} — {band.Key.Date.ToString("dddd uuuu-MM-dd", Inv)}</h2>\n");
            AppendBand(html, [.. band], colours, TypeOf, capacities);
        }

        html.Append("<h2>Not booked</h2>\n");
        if (schedule.Unscheduled.Count == 0)
        {
            html.Append("<p>Every request is booked.</p>\n");
        }
        else
        {
            html.Append("<table class=\"unscheduled\">\n<tr><th>request</th><th>reason</th><th>why</th></tr>\n");
            foreach (var u in schedule.Unscheduled)
            {
                html.Append(Inv, $"<tr><td>{Escape(u.RequestId)}</td><td>{u.Reason}</td><td>{Escape(u.Message)}</td></tr>\n");
            }

            html.Append("</table>\n");
        }

        return html.Append("</body>\n</html>\n").ToString();
    }

    /// <summary>
    /// One facility-day: rows for its providers, then its rooms, on an axis of whole local hours. A room that holds
    /// several appointments at once gets a row per place in use, each appointment in the first place free when it starts.
    /// </summary>
    private static void AppendBand(StringBuilder html, List<Assignment> day, IReadOnlyDictionary<string, string> colours, Func<Assignment, string> typeOf,
        IReadOnlyDictionary<string, int> capacities)
    {
        static int Minute(OffsetDateTime t) => (int)(t.TimeOfDay.TickOfDay / NodaConstants.TicksPerMinute);
        var firstHour = day.Min(a => Minute(a.Start)) / 60;
        var lastHour = Math.Min(48, (int)Math.Ceiling(day.Max(a => Minute(a.Start) + (a.End.ToInstant() - a.Start.ToInstant()).TotalMinutes) / 60.0));
        var places = Places(day.Where(a => a.RoomId is not null && capacities.GetValueOrDefault(a.RoomId) > 1));
        var rows = day.Where(a => a.ProviderId is not null).Select(a => (Label: a.ProviderId!, Kind: "provider", Place: 0)).Distinct().OrderBy(r => r.Label, StringComparer.Ordinal)
            .Concat(day.Where(a => a.RoomId is not null).Select(a => (Label: a.RoomId!, Kind: "room", Place: places.GetValueOrDefault(a.RequestId))).Distinct()
                .OrderBy(r => r.Label, StringComparer.Ordinal).ThenBy(r => r.Place))
            .ToList();
        var width = LabelWidth + ((lastHour - firstHour) * PixelsPerHour) + 44;
        var height = 20 + (rows.Count * RowHeight);
        double X(int minute) => LabelWidth + ((minute - (firstHour * 60)) * PixelsPerHour / 60.0);

        html.Append(Inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" role=\"img\">\n");
        for (var hour = firstHour; hour <= lastHour; hour++)
        {
            var x = X(hour * 60);
            html.Append(Inv, $"<line x1=\"{x:0.#}\" y1=\"14\" x2=\"{x:0.#}\" y2=\"{height}\" stroke=\"#ddd\" />")
                .Append(Inv, $"<text x=\"{x + 2:0.#}\" y=\"11\">{hour % 24:00}:00</text>\n");
        }

        for (var i = 0; i < rows.Count; i++)
        {
            var (label, kind, place) = rows[i];
            var y = 20 + (i * RowHeight);
            var shared = kind == "room" && capacities.GetValueOrDefault(label) > 1 ? string.Create(Inv, $" #{place + 1}") : string.Empty;
            html.Append(Inv, $"<text x=\"4\" y=\"{y + 15}\">{(kind == "room" ? "room " : string.Empty)}{Escape(label)}{shared}</text>\n");
            foreach (var a in day.Where(a => (kind == "provider" ? a.ProviderId : a.RoomId) == label && (kind == "provider" || places.GetValueOrDefault(a.RequestId) == place)))
            {
                var start = Minute(a.Start);
                var minutes = (int)(a.End.ToInstant() - a.Start.ToInstant()).TotalMinutes;
                var colour = colours.TryGetValue(typeOf(a), out var c) ? c : "#999";
                html.Append(Inv, $"<rect class=\"appointment\" x=\"{X(start):0.#}\" y=\"{y + 2}\" width=\"{Math.Max(1, minutes * PixelsPerHour / 60.0):0.#}\" height=\"{RowHeight - 4}\" fill=\"{colour}\" stroke=\"#333\" stroke-width=\"0.5\">")
                    .Append(Inv, $"<title>{Escape(a.RequestId)} ({Escape(typeOf(a))}), patient {Escape(a.PatientId)}, {ScheduleFile.FormatDateTime(a.Start)} to {ScheduleFile.FormatDateTime(a.End)}</title></rect>\n");
            }
        }

        html.Append("</svg>\n");
    }

    /// <summary>For appointments in rooms that hold several at once: a place (0, 1, …) per appointment, the first free when it starts.</summary>
    private static Dictionary<string, int> Places(IEnumerable<Assignment> shared)
    {
        var places = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var room in shared.GroupBy(a => a.RoomId!, StringComparer.Ordinal))
        {
            var busyUntil = new List<Instant>();
            foreach (var a in room.OrderBy(a => a.Start.ToInstant()).ThenBy(a => a.RequestId, StringComparer.Ordinal))
            {
                var place = busyUntil.FindIndex(end => end <= a.Start.ToInstant());
                if (place < 0)
                {
                    busyUntil.Add(a.End.ToInstant());
                    place = busyUntil.Count - 1;
                }
                else
                {
                    busyUntil[place] = a.End.ToInstant();
                }

                places[a.RequestId] = place;
            }
        }

        return places;
    }

    /// <summary>Evenly spaced hues, mid saturation and lightness: distinct and readable under black text.</summary>
    private static string Colour(int index, int count) =>
        string.Create(Inv, $"hsl({index * 360 / Math.Max(1, count)}, 60%, 70%)");

    private static string Escape(string text) => WebUtility.HtmlEncode(text);
}
