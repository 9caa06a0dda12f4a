using System.Text.Json;
using MedCoord.Scheduling.Model;
using MedCoord.Scheduling.Validation;
using NodaTime;

namespace MedCoord.Scheduling.Serialization;

/// <summary>
/// Reads a problem file (format v1) into a <see cref="Problem"/>. Every syntax, kind and range problem is recorded
/// with its JSON path; fields that cannot be read get a placeholder so that the rest of the file is still checked.
/// </summary>
internal sealed class ProblemJsonReader
{
    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = false,
        MaxDepth = 64,
    };

    private readonly List<ValidationError> _errors = [];
    private readonly ProblemSourceMap _map = new();

    private ProblemJsonReader()
    {
    }

    public static (Problem? Problem, ProblemSourceMap Map, IReadOnlyList<ValidationError> Errors) Read(string json)
    {
        var reader = new ProblemJsonReader();
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException ex)
        {
            var where = ex.LineNumber is { } line ? $" at line {line + 1}, position {(ex.BytePositionInLine ?? 0) + 1}" : string.Empty;
            return (null, reader._map, [new ValidationError("$", $"malformed JSON{where}")]);
        }

        using (document)
        {
            var problem = reader.ReadProblem(document.RootElement);
            return (problem, reader._map, reader._errors);
        }
    }

    private Problem? ReadProblem(JsonElement root)
    {
        var o = JsonObjectReader.Open(root, string.Empty, _errors,
            "formatVersion", "horizon", "facilities", "rooms", "providers", "patients", "appointmentTypes", "requests", "fixed", "options", "equipment", "series");
        if (o is null)
        {
            _errors[^1] = _errors[^1] with { Path = "$" };
            return null;
        }

        FormatVersion.Check(o);

        var horizon = ReadHorizon(o);
        var facilities = Items(o, "facilities", ReadFacility, required: true);
        var rooms = Items(o, "rooms", ReadRoom);
        var providers = Items(o, "providers", ReadProvider);
        var patients = Items(o, "patients", ReadPatient);
        var types = Items(o, "appointmentTypes", ReadType, required: true);
        var requests = Items(o, "requests", ReadRequest, required: true);
        var fixedBookings = Items(o, "fixed", ReadFixed);
        var options = o.Field("options") is { } opt ? ReadOptions(opt, "options") : null;
        var equipment = o.Has("equipment") ? Items(o, "equipment", ReadPool) : null;
        var series = o.Has("series") ? Items(o, "series", ReadSeries) : null;

        return new Problem(horizon, facilities, rooms, providers, patients, types, requests, fixedBookings, options, equipment, series);
    }

    private List<T> Items<T>(JsonObjectReader o, string name, Func<JsonElement, string, T?> read, bool required = false)
        where T : class
    {
        var indexes = new List<int>();
        var position = 0;
        var items = o.Array(name, (e, path) =>
        {
            var item = read(e, path);
            if (item is not null)
            {
                indexes.Add(position);
            }

            position++;
            return item;
        }, required);
        _map.Set(name, indexes, complete: indexes.Count == position);
        return items;
    }

    private DateInterval ReadHorizon(JsonObjectReader root)
    {
        var fallback = new DateInterval(new LocalDate(2000, 1, 1), new LocalDate(2000, 1, 1));
        if (root.Field("horizon", required: true) is not { } element
            || JsonObjectReader.Open(element, "horizon", _errors, "start", "end") is not { } o)
        {
            return fallback;
        }

        var start = o.Date("start", required: true);
        var end = o.Date("end", required: true);
        if (start is null || end is null)
        {
            return fallback;
        }

        if (end < start)
        {
            o.Error("end", $"horizon end {end:uuuu-MM-dd} is before its start {start:uuuu-MM-dd}");
            return fallback;
        }

        return new DateInterval(start.Value, end.Value);
    }

    private Facility? ReadFacility(JsonElement element, string path)
    {
        if (JsonObjectReader.Open(element, path, _errors, "id", "timeZone", "hours") is not { } o)
        {
            return null;
        }

        var id = o.Id("id", required: true) ?? string.Empty;
        var zone = ReadZone(o, required: true) ?? DateTimeZone.Utc;
        var hours = o.Has("hours") ? o.Array("hours", ReadWeeklyHours) : null;
        return new Facility(id, zone, hours);
    }

    private static DateTimeZone? ReadZone(JsonObjectReader o, bool required)
    {
        var name = o.String("timeZone", required);
        if (name is null)
        {
            return null;
        }

        var zone = DateTimeZoneProviders.Tzdb.GetZoneOrNull(name);
        if (zone is null)
        {
            o.Error("timeZone", $"unknown time zone '{name}' (expected an IANA tzdb id such as 'America/New_York')");
        }

        return zone;
    }

    private WeeklyHours? ReadWeeklyHours(JsonElement element, string path)
    {
        if (JsonObjectReader.Open(element, path, _errors, "days", "from", "to") is not { } o)
        {
            return null;
        }

        return ReadWeeklyFields(o);
    }

    private static WeeklyHours ReadWeeklyFields(JsonObjectReader o)
    {
        var days = o.Weekdays("days");
        var from = o.ClockTime("from", required: true);
        var to = o.ClockTime("to", required: true);
        if (from is { EndOfDay: true })
        {
            o.Error("from", "'24:00' is only allowed as 'to'");
            from = null;
        }

        if (from is { } f && to is { } t && !t.EndOfDay && t.Time <= f.Time)
        {
            o.Error("from", $"from {f.Time:HH:mm} must be before to {t.Time:HH:mm}");
        }

        return new WeeklyHours(days, from?.Time ?? LocalTime.Midnight, to?.Time ?? LocalTime.Midnight);
    }

    private List<Interval> ReadBlocks(JsonObjectReader owner, string name) =>
        [.. owner.Array(name, (e, p) => ReadBlock(e, p) is { } block ? new[] { block } : null).SelectMany(b => b)];

    private Interval? ReadBlock(JsonElement element, string path)
    {
        if (JsonObjectReader.Open(element, path, _errors, "from", "to") is not { } o)
        {
            return null;
        }

        var from = o.DateTime("from", required: true);
        var to = o.DateTime("to", required: true);
        if (from is null || to is null)
        {
            return null;
        }

        if (to <= from)
        {
            o.Error("from", "from must be before to");
            return null;
        }

        return new Interval(from, to);
    }

    private Room? ReadRoom(JsonElement element, string path)
    {
        if (JsonObjectReader.Open(element, path, _errors, "id", "facility", "features", "unavailable", "capacity") is not { } o)
        {
            return null;
        }

        return new Room(
            o.Id("id", required: true) ?? string.Empty,
            o.Id("facility", required: true) ?? string.Empty,
            o.Strings("features"),
            ReadBlocks(o, "unavailable"),
            o.Int("capacity") ?? 1);
    }

    private RequestSeries? ReadSeries(JsonElement element, string path)
    {
        if (JsonObjectReader.Open(element, path, _errors, "id", "requests", "intervalDays", "toleranceMinutes", "sameProvider") is not { } o)
        {
            return null;
        }

        return new RequestSeries(
            o.Id("id", required: true) ?? string.Empty,
            o.Field("requests", required: true) is null ? [] : o.Strings("requests"),
            o.Int("intervalDays", required: true) ?? 1,
            o.Int("toleranceMinutes") ?? 0,
            o.Bool("sameProvider") ?? true);
    }

    private EquipmentPool? ReadPool(JsonElement element, string path)
    {
        if (JsonObjectReader.Open(element, path, _errors, "id", "facility", "kind", "count") is not { } o)
        {
            return null;
        }

        return new EquipmentPool(
            o.Id("id", required: true) ?? string.Empty,
            o.Id("facility", required: true) ?? string.Empty,
            o.Id("kind", required: true) ?? string.Empty,
            o.Int("count", required: true) ?? 1);
    }

    private Provider? ReadProvider(JsonElement element, string path)
    {
        if (JsonObjectReader.Open(element, path, _errors, "id", "skills", "availability", "timeOff", "dailyCap") is not { } o)
        {
            return null;
        }

        var availability = o.Array("availability", (e, p) =>
        {
            if (JsonObjectReader.Open(e, p, _errors, "facility", "days", "from", "to") is not { } a)
            {
                return null;
            }

            var facility = a.Id("facility", required: true) ?? string.Empty;
            return new ProviderAvailability(facility, ReadWeeklyFields(a));
        });

        return new Provider(
            o.Id("id", required: true) ?? string.Empty,
            o.Strings("skills"),
            availability,
            ReadBlocks(o, "timeOff"),
            o.Int("dailyCap"));
    }

    private Patient? ReadPatient(JsonElement element, string path)
    {
        if (JsonObjectReader.Open(element, path, _errors, "id", "timeZone", "hours", "unavailable", "previousProvider") is not { } o)
        {
            return null;
        }

        var id = o.Id("id", required: true) ?? string.Empty;
        var zone = ReadZone(o, required: false);
        var hours = o.Has("hours") ? o.Array("hours", ReadWeeklyHours) : null;
        if (hours is not null && !o.Has("timeZone"))
        {
            o.Error("hours", "patient hours need a timeZone");
        }

        var unavailable = ReadBlocks(o, "unavailable");
        return new Patient(id, zone ?? (hours is not null ? DateTimeZone.Utc : null), hours, unavailable, o.Id("previousProvider"));
    }

    private AppointmentType? ReadType(JsonElement element, string path)
    {
        if (JsonObjectReader.Open(element, path, _errors, "id", "durationMinutes", "providerSkill", "roomFeatures", "bufferMinutes", "equipment") is not { } o)
        {
            return null;
        }

        return new AppointmentType(
            o.Id("id", required: true) ?? string.Empty,
            o.Int("durationMinutes", required: true) ?? 1,
            o.Id("providerSkill"),
            o.Strings("roomFeatures"),
            o.Int("bufferMinutes") ?? 0,
            o.Has("equipment") ? o.Strings("equipment") : null);
    }

    private AppointmentRequest? ReadRequest(JsonElement element, string path)
    {
        if (JsonObjectReader.Open(element, path, _errors,
                "id", "patient", "type", "earliest", "latest", "priority", "durationMinutes", "preferredProvider", "after") is not { } o)
        {
            return null;
        }

        var links = o.Array("after", (e, p) =>
        {
            if (JsonObjectReader.Open(e, p, _errors, "request", "minGapMinutes", "maxGapMinutes") is not { } l)
            {
                return null;
            }

            return new RequestLink(l.Id("request", required: true) ?? string.Empty, l.Int("minGapMinutes") ?? 0, l.Int("maxGapMinutes"));
        });

        return new AppointmentRequest(
            o.Id("id", required: true) ?? string.Empty,
            o.Id("patient", required: true) ?? string.Empty,
            o.Id("type", required: true) ?? string.Empty,
            o.Date("earliest"),
            o.Date("latest"),
            o.Int("priority") ?? 1,
            o.Int("durationMinutes"),
            o.Id("preferredProvider"),
            links);
    }

    private FixedBooking? ReadFixed(JsonElement element, string path)
    {
        if (JsonObjectReader.Open(element, path, _errors, "request", "provider", "room", "facility", "start") is not { } o)
        {
            return null;
        }

        var request = o.Id("request", required: true);
        var start = o.DateTime("start", required: true);
        var provider = o.Id("provider");
        var room = o.Id("room");
        var facility = o.Id("facility");
        return request is null || start is null ? null : new FixedBooking(request, provider, room, start.Value, facility);
    }

    private SolveOptions? ReadOptions(JsonElement element, string path)
    {
        if (JsonObjectReader.Open(element, path, _errors, "timeLimitSeconds", "workers", "seed", "softRules", "conservative") is not { } o)
        {
            return null;
        }

        // Bounds are checked with the rest of the problem (SolveOptions.Validate), naming options.timeLimitSeconds.
        var limit = o.Number("timeLimitSeconds") is { } seconds ? SolveOptions.TimeLimitFromSeconds(seconds) : (Duration?)null;

        SoftRuleWeights? soft = null;
        if (o.Field("softRules") is { } rules
            && JsonObjectReader.Open(rules, o.FieldPath("softRules"), _errors, "continuityWeight", "dailyCapWeight", "dailyCap", "balanceWeight") is { } r)
        {
            soft = new SoftRuleWeights(r.Int("continuityWeight") ?? 0, r.Int("dailyCapWeight") ?? 0, r.Int("dailyCap"), r.Int("balanceWeight") ?? 0);
        }

        return new SolveOptions(limit, o.Int("workers"), o.Int("seed"), soft) { Conservative = o.Bool("conservative") };
    }
}

/// <summary>Where each item of a problem's lists came from in the file, so that errors found on the model name the file's JSON path.</summary>
internal sealed class ProblemSourceMap
{
    private readonly Dictionary<string, int[]> _indexes = new(StringComparer.Ordinal);

    public static ProblemSourceMap Identity { get; } = new();

    private readonly HashSet<string> _incomplete = new(StringComparer.Ordinal);

    public void Set(string list, IEnumerable<int> indexes, bool complete)
    {
        _indexes[list] = [.. indexes];
        if (!complete)
        {
            _incomplete.Add(list);
        }
    }

    /// <summary>Whether some items of the list could not be read at all, so that ids they declared are unknown.</summary>
    public bool IsIncomplete(string list) => _incomplete.Contains(list);

    public string Path(string list, int index) =>
        $"{list}[{(_indexes.TryGetValue(list, out var map) && index < map.Length ? map[index] : index)}]";
}
