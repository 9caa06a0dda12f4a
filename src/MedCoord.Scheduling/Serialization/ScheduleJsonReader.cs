using System.Text.Json;
using MedCoord.Scheduling.Results;
using MedCoord.Scheduling.Validation;
using NodaTime;

namespace MedCoord.Scheduling.Serialization;

/// <summary>
/// Reads a schedule file (format v1) back, for example a host application's current book. Every syntax, kind and
/// range problem is recorded with its JSON path. Only <c>formatVersion</c> and <c>assignments</c> are required, so a
/// book exported by another system needs no solver statistics.
/// </summary>
internal static class ScheduleJsonReader
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { CommentHandling = JsonCommentHandling.Skip, MaxDepth = 64 };

    public static (Schedule? Schedule, IReadOnlyList<ValidationError> Errors) Read(string json)
    {
        var errors = new List<ValidationError>();
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException ex)
        {
            var where = ex.LineNumber is { } line ? $" at line {line + 1}, position {(ex.BytePositionInLine ?? 0) + 1}" : string.Empty;
            return (null, [new ValidationError("$", $"malformed JSON{where}")]);
        }

        using (document)
        {
            var o = JsonObjectReader.Open(document.RootElement, string.Empty, errors, "formatVersion", "status", "objective", "assignments", "unscheduled", "stats", "conflict");
            if (o is null)
            {
                return (null, [errors[^1] with { Path = "$" }]);
            }

            FormatVersion.Check(o);

            var status = Enum(o, "status", ScheduleStatus.Feasible);
            var objective = o.Field("objective") is { } obj ? ReadObjective(obj, o.FieldPath("objective"), errors) : new ScheduleObjective(0, 0, 0);
            var assignments = o.Array("assignments", (e, path) => ReadAssignment(e, path, errors), required: true);
            var unscheduled = o.Array("unscheduled", (e, path) => ReadUnscheduled(e, path, errors));
            var stats = o.Field("stats") is { } s ? ReadStats(s, o.FieldPath("stats"), errors) : new SolveStats(0, 0, 0);
            var conflict = o.Has("conflict") ? o.Strings("conflict") : null;
            return errors.Count > 0 ? (null, errors) : (new Schedule(status, objective!, assignments, unscheduled, stats!, conflict), errors);
        }
    }

    private static TEnum Enum<TEnum>(JsonObjectReader o, string name, TEnum fallback)
        where TEnum : struct, System.Enum
    {
        if (o.String(name) is not { } text)
        {
            return fallback;
        }

        if (System.Enum.TryParse<TEnum>(text, ignoreCase: false, out var value) && System.Enum.IsDefined(value) && !int.TryParse(text, out _))
        {
            return value;
        }

        o.Error(name, $"unknown value '{text}'; allowed: {string.Join(", ", System.Enum.GetNames<TEnum>())}");
        return fallback;
    }

    private static ScheduleObjective? ReadObjective(JsonElement element, string path, List<ValidationError> errors)
    {
        var o = JsonObjectReader.Open(element, path, errors, "scheduledPriority", "upperBound", "waitingCost", "softRules");
        if (o is null)
        {
            return null;
        }

        SoftRuleCosts? soft = null;
        if (o.Field("softRules") is { } rules && JsonObjectReader.Open(rules, o.FieldPath("softRules"), errors, "continuity", "dailyCap", "balance") is { } r)
        {
            soft = new SoftRuleCosts(r.Int("continuity") ?? 0, r.Int("dailyCap") ?? 0, r.Int("balance") ?? 0);
        }

        return new ScheduleObjective(o.Int("scheduledPriority") ?? 0, o.Int("upperBound") ?? 0, o.Int("waitingCost") ?? 0, soft);
    }

    private static SolveStats? ReadStats(JsonElement element, string path, List<ValidationError> errors)
    {
        var o = JsonObjectReader.Open(element, path, errors, "wallSeconds", "workers", "seed", "droppedSolutions");
        return o is null ? null : new SolveStats(o.Number("wallSeconds") ?? 0, o.Int("workers") ?? 0, o.Int("seed") ?? 0) { DroppedSolutions = o.Int("droppedSolutions") ?? 0 };
    }

    private static Assignment? ReadAssignment(JsonElement element, string path, List<ValidationError> errors)
    {
        var o = JsonObjectReader.Open(element, path, errors, "request", "patient", "provider", "room", "facility", "start", "end");
        if (o is null)
        {
            return null;
        }

        var before = errors.Count;
        var request = o.Id("request", required: true);
        var patient = o.Id("patient", required: true);
        var provider = o.Id("provider");
        var room = o.Id("room");
        var facility = o.Id("facility", required: true);
        var start = o.OffsetDateTime("start", required: true);
        var end = o.OffsetDateTime("end", required: true);
        if (start is { } s && end is { } e && e.ToInstant() <= s.ToInstant())
        {
            o.Error("end", "must be after start");
        }

        return errors.Count > before ? null : new Assignment(request!, patient!, provider, room, facility!, start!.Value, end!.Value);
    }

    private static UnscheduledRequest? ReadUnscheduled(JsonElement element, string path, List<ValidationError> errors)
    {
        var o = JsonObjectReader.Open(element, path, errors, "request", "reason", "message", "blockedBy");
        if (o is null)
        {
            return null;
        }

        var before = errors.Count;
        var request = o.Id("request", required: true);
        var reason = o.Has("reason") ? Enum(o, "reason", UnscheduledReason.CapacityTaken) : UnscheduledReason.CapacityTaken;
        if (!o.Has("reason"))
        {
            o.Error("reason", "required field is missing");
        }

        var message = o.String("message") ?? string.Empty;
        var blockers = o.Has("blockedBy") ? o.Array("blockedBy", (e, p) => ReadBlocker(e, p, errors)) : null;
        return errors.Count > before ? null : new UnscheduledRequest(request!, reason, message, blockers);
    }

    private static Blocker? ReadBlocker(JsonElement element, string path, List<ValidationError> errors)
    {
        var o = JsonObjectReader.Open(element, path, errors, "kind", "id", "requests");
        if (o is null)
        {
            return null;
        }

        var before = errors.Count;
        var kind = o.Id("kind", required: true);
        var id = o.Id("id", required: true);
        var requests = o.Strings("requests");
        return errors.Count > before ? null : new Blocker(kind!, id!, requests);
    }
}
