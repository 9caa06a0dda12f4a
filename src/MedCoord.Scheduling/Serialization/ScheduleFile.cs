using System.Text.Json;
using MedCoord.Scheduling.Results;
using NodaTime;
using NodaTime.Text;

namespace MedCoord.Scheduling.Serialization;

/// <summary>Reads and writes schedule files (format v1). Thread safe.</summary>
public static class ScheduleFile
{
    private static readonly OffsetDateTimePattern DateTimePattern =
        OffsetDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm':'sso<+HH:mm>");

    /// <summary>Formats an offset date-time as the file does, for example <c>2026-12-07T09:00:00-05:00</c>.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The text.</returns>
    public static string FormatDateTime(OffsetDateTime value) => DateTimePattern.Format(value);

    /// <summary>
    /// Reads a schedule file's text, for example a book exported by a host application. Only <c>formatVersion</c> and
    /// <c>assignments</c> are required; whether the schedule fits a problem is checked where it is used with one.
    /// </summary>
    /// <param name="json">The file's text.</param>
    /// <param name="schedule">The schedule, when there are no errors.</param>
    /// <returns>Every error found, each with its JSON path; empty when the file reads.</returns>
    public static IReadOnlyList<Validation.ValidationError> TryParse(string json, out Schedule? schedule)
    {
        ArgumentNullException.ThrowIfNull(json);
        (schedule, var errors) = ScheduleJsonReader.Read(json);
        return errors;
    }

    /// <summary>
    /// Reads a schedule file's bytes: UTF-8 (a byte order mark is allowed), checked strictly; an invalid byte is
    /// reported at <c>$</c> with its offset, not replaced.
    /// </summary>
    /// <param name="utf8Json">The file's bytes.</param>
    /// <param name="schedule">The schedule, when there are no errors.</param>
    /// <returns>Every error found, each with its JSON path; empty when the file reads.</returns>
    public static IReadOnlyList<Validation.ValidationError> TryParse(ReadOnlySpan<byte> utf8Json, out Schedule? schedule)
    {
        if (Utf8Text.Decode(utf8Json, out var error) is { } json)
        {
            return TryParse(json, out schedule);
        }

        schedule = null;
        return [new Validation.ValidationError("$", error!)];
    }

    /// <summary>Reads a schedule file's text.</summary>
    /// <param name="json">The file's text.</param>
    /// <returns>The schedule.</returns>
    /// <exception cref="Validation.ProblemValidationException">The text is bad input; the exception lists every error.</exception>
    public static Schedule Parse(string json)
    {
        var errors = TryParse(json, out var schedule);
        return errors.Count > 0 ? throw new Validation.ProblemValidationException(errors, "schedule file") : schedule!;
    }

    /// <summary>Serialises a schedule as a format v1 schedule file.</summary>
    /// <param name="schedule">The schedule.</param>
    /// <returns>The file's text, indented, UTF-8 safe.</returns>
    public static string Serialize(Schedule schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        return JsonWriting.Document(w =>
        {
            w.WriteString("status", schedule.Status.ToString());
            w.WriteStartObject("objective");
            w.WriteNumber("scheduledPriority", schedule.Objective.ScheduledPriority);
            w.WriteNumber("upperBound", schedule.Objective.UpperBound);
            w.WriteNumber("waitingCost", schedule.Objective.WaitingCost);
            if (schedule.Objective.SoftRules is { } soft)
            {
                w.WriteStartObject("softRules");
                w.WriteNumber("continuity", soft.Continuity);
                w.WriteNumber("dailyCap", soft.DailyCap);
                w.WriteNumber("balance", soft.Balance);
                w.WriteEndObject();
            }

            w.WriteEndObject();
            w.WriteStartArray("assignments");
            foreach (var a in schedule.Assignments)
            {
                w.WriteStartObject();
                w.WriteString("request", a.RequestId);
                w.WriteString("patient", a.PatientId);
                w.WriteStringOrNull("provider", a.ProviderId);
                w.WriteStringOrNull("room", a.RoomId);
                w.WriteString("facility", a.FacilityId);
                w.WriteString("start", FormatDateTime(a.Start));
                w.WriteString("end", FormatDateTime(a.End));
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("unscheduled");
            foreach (var u in schedule.Unscheduled)
            {
                w.WriteStartObject();
                w.WriteString("request", u.RequestId);
                w.WriteString("reason", u.Reason.ToString());
                w.WriteString("message", u.Message);
                if (u.BlockedBy is { } blockers)
                {
                    w.WriteStartArray("blockedBy");
                    foreach (var b in blockers)
                    {
                        w.WriteStartObject();
                        w.WriteString("kind", b.Kind);
                        w.WriteString("id", b.Id);
                        w.WriteStartArray("requests");
                        foreach (var r in b.RequestIds)
                        {
                            w.WriteStringValue(r);
                        }

                        w.WriteEndArray();
                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            if (schedule.Conflict is { } conflict)
            {
                w.WriteStartArray("conflict");
                foreach (var id in conflict)
                {
                    w.WriteStringValue(id);
                }

                w.WriteEndArray();
            }

            w.WriteStartObject("stats");
            w.WriteNumber("wallSeconds", schedule.Stats.WallSeconds);
            w.WriteNumber("workers", schedule.Stats.Workers);
            w.WriteNumber("seed", schedule.Stats.Seed);
            if (schedule.Stats.DroppedSolutions > 0)
            {
                w.WriteNumber("droppedSolutions", schedule.Stats.DroppedSolutions);
            }

            w.WriteEndObject();
        });
    }
}
