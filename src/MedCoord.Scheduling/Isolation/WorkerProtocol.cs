using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using MedCoord.Scheduling.Operations;
using MedCoord.Scheduling.Results;
using NodaTime;

namespace MedCoord.Scheduling.Isolation;

/// <summary>
/// The lines a solver worker and its host exchange, UTF-8, one message a line.
/// Host to worker: the problem file as one line of JSON; to re-plan, the previous schedule file as a second line; then
/// the line <c>stop</c> or the end of input asks the worker to stop and return its best schedule.
/// Worker to host: <see cref="Hello"/> at once; <c>ready</c> once the input is read; <c>progress</c> lines; finally
/// <c>schedule</c> with the schedule file as one line of JSON and, to re-plan, <c>changes</c>; then exit code 0.
/// </summary>
internal static class WorkerProtocol
{
    /// <summary>The worker's first line; the number is the protocol version.</summary>
    public const string Hello = "medcoord-worker 1";

    public const string Ready = "ready";

    public const string Stop = "stop";

    public const string Progress = "progress";

    public const string Schedule = "schedule";

    public const string Changes = "changes";

    /// <summary>A JSON document on one line (every string escaped, so the line is plain ASCII).</summary>
    public static string Compact(string json)
    {
        using var document = JsonDocument.Parse(json);
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            document.RootElement.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Splits a line into its kind and the rest.</summary>
    public static (string Kind, string Payload) Split(string line)
    {
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? (line, string.Empty) : (line[..space], line[(space + 1)..]);
    }

    public static string FormatProgress(SolveProgress p) => string.Create(CultureInfo.InvariantCulture,
        $"{Progress} {p.Elapsed.BclCompatibleTicks} {p.ScheduledPriority} {p.UpperBound} {p.Phase}");

    public static SolveProgress? ParseProgress(string payload)
    {
        var parts = payload.Split(' ');
        return parts.Length == 4
            && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            && long.TryParse(parts[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var priority)
            && long.TryParse(parts[2], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var bound)
            && int.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var phase)
            ? new SolveProgress(Duration.FromTicks(ticks), priority, bound, phase)
            : null;
    }

    /// <summary>
    /// A re-plan's changes as one line of JSON: each change names its request, kind and reason, and its appointments
    /// by their index in the previous schedule and in the new one, so that the host rebuilds them exactly.
    /// </summary>
    public static string FormatChanges(IReadOnlyList<AppointmentChange> changes, Schedule previous, Schedule next)
    {
        var before = Indexes(previous);
        var after = Indexes(next);
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartArray();
            foreach (var c in changes)
            {
                w.WriteStartObject();
                w.WriteString("request", c.RequestId);
                w.WriteString("kind", c.Kind.ToString());
                w.WriteNumber("before", before[c.Before]);
                if (c.After is null)
                {
                    w.WriteNull("after");
                }
                else
                {
                    w.WriteNumber("after", after[c.After]);
                }

                w.WriteString("reason", c.Reason);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The changes <see cref="FormatChanges"/> wrote, or <see langword="null"/> where the line does not fit the two schedules.</summary>
    public static List<AppointmentChange>? ParseChanges(string payload, Schedule previous, Schedule next)
    {
        try
        {
            using var document = JsonDocument.Parse(payload);
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            var changes = new List<AppointmentChange>();
            foreach (var e in document.RootElement.EnumerateArray())
            {
                var request = e.GetProperty("request").GetString();
                var before = e.GetProperty("before").GetInt32();
                var after = e.GetProperty("after");
                if (request is null || !Enum.TryParse<AppointmentChangeKind>(e.GetProperty("kind").GetString(), out var kind) || !Enum.IsDefined(kind)
                    || before < 0 || before >= previous.Assignments.Count || previous.Assignments[before].RequestId != request)
                {
                    return null;
                }

                Assignment? now = null;
                if (after.ValueKind != JsonValueKind.Null)
                {
                    var index = after.GetInt32();
                    if (index < 0 || index >= next.Assignments.Count || next.Assignments[index].RequestId != request)
                    {
                        return null;
                    }

                    now = next.Assignments[index];
                }

                changes.Add(new AppointmentChange(request, kind, previous.Assignments[before], now, e.GetProperty("reason").GetString() ?? string.Empty));
            }

            return changes;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            return null;
        }
    }

    private static Dictionary<Assignment, int> Indexes(Schedule schedule)
    {
        var indexes = new Dictionary<Assignment, int>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < schedule.Assignments.Count; i++)
        {
            indexes.TryAdd(schedule.Assignments[i], i);
        }

        return indexes;
    }
}
