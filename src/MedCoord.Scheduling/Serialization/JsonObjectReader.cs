using System.Globalization;
using System.Text.Json;
using MedCoord.Scheduling.Validation;
using NodaTime;
using NodaTime.Text;

namespace MedCoord.Scheduling.Serialization;

/// <summary>
/// Reads one JSON object field by field, recording a <see cref="ValidationError"/> with its JSON path for every
/// missing, unknown, duplicate or wrongly-typed field instead of throwing.
/// </summary>
internal sealed class JsonObjectReader
{
    private static readonly LocalDatePattern DatePattern = LocalDatePattern.Iso;
    private static readonly OffsetDateTimePattern DateTimePattern = OffsetDateTimePattern.ExtendedIso;
    private static readonly string[] WeekdayNames = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

    private readonly JsonElement _element;
    private readonly List<ValidationError> _errors;
    private readonly HashSet<string> _known;

    private JsonObjectReader(JsonElement element, string path, List<ValidationError> errors, IEnumerable<string> known)
    {
        _element = element;
        Path = path;
        _errors = errors;
        _known = [.. known];
    }

    public string Path { get; }

    /// <summary>Opens <paramref name="element"/> as an object with the given known fields; reports and returns null when it is not an object.</summary>
    public static JsonObjectReader? Open(JsonElement element, string path, List<ValidationError> errors, params string[] known)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new(path, $"expected an object, found {Describe(element)}"));
            return null;
        }

        var reader = new JsonObjectReader(element, path, errors, known);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            var fieldPath = ChildPath(path, property.Name);
            if (!reader._known.Contains(property.Name))
            {
                errors.Add(new(fieldPath, $"unknown field {(IsPlain(property.Name) ? $"'{property.Name}'" : Quoted(property.Name))}; allowed: {string.Join(", ", known)}"));
            }
            else if (!seen.Add(property.Name))
            {
                errors.Add(new(fieldPath, "field appears more than once"));
            }
        }

        return reader;
    }

    /// <summary>
    /// The path of a field: <c>parent.name</c>, or <c>parent["name"]</c> with the name JSON-escaped when it is empty or
    /// holds anything but letters, digits, <c>_</c>, <c>-</c> and <c>$</c> (so that a path never hides a control character or a dot).
    /// </summary>
    public static string ChildPath(string parent, string name) =>
        !IsPlain(name) ? $"{parent}[{Quoted(name)}]" : parent.Length == 0 ? name : $"{parent}.{name}";

    private static bool IsPlain(string name) => name.Length > 0 && name.All(c => char.IsLetterOrDigit(c) || c is '_' or '-' or '$');

    private static string Quoted(string name) => JsonSerializer.Serialize(name);

    public static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    public string FieldPath(string name) => ChildPath(Path, name);

    public void Error(string name, string message) => _errors.Add(new(FieldPath(name), message));

    /// <summary>The field's value, or null when it is absent or JSON null (and a required field reports an error).</summary>
    public JsonElement? Field(string name, bool required = false)
    {
        if (_element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null)
        {
            return value;
        }

        if (required)
        {
            Error(name, _element.TryGetProperty(name, out _) ? "must not be null" : "required field is missing");
        }

        return null;
    }

    public bool Has(string name) => _element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null;

    public string? String(string name, bool required = false)
    {
        if (Field(name, required) is not { } value)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            Error(name, $"expected a string, found {Describe(value)}");
            return null;
        }

        return value.GetString();
    }

    /// <summary>An id: a non-empty string.</summary>
    public string? Id(string name, bool required = false)
    {
        var id = String(name, required);
        if (id is not null && string.IsNullOrWhiteSpace(id))
        {
            Error(name, "must not be empty");
            return null;
        }

        return id;
    }

    public int? Int(string name, bool required = false)
    {
        if (Field(name, required) is not { } value)
        {
            return null;
        }

        return IntValue(value, FieldPath(name));
    }

    private int? IntValue(JsonElement value, string path)
    {
        if (value.ValueKind != JsonValueKind.Number)
        {
            _errors.Add(new(path, $"expected a whole number, found {Describe(value)}"));
            return null;
        }

        if (value.TryGetInt32(out var result))
        {
            return result;
        }

        _errors.Add(new(path, value.TryGetDecimal(out var d) && d == decimal.Truncate(d)
            ? $"number {value.GetRawText()} is out of range"
            : $"expected a whole number, found {value.GetRawText()}"));
        return null;
    }

    public bool? Bool(string name)
    {
        if (Field(name) is not { } value)
        {
            return null;
        }

        if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            Error(name, $"expected true or false, found {Describe(value)}");
            return null;
        }

        return value.GetBoolean();
    }

    public double? Number(string name)
    {
        if (Field(name) is not { } value)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var result) || double.IsInfinity(result))
        {
            Error(name, value.ValueKind == JsonValueKind.Number ? $"number {value.GetRawText()} is out of range" : $"expected a number, found {Describe(value)}");
            return null;
        }

        return result;
    }

    /// <summary>An array field; each element handed to <paramref name="item"/> with its path. Absent: empty list.</summary>
    public List<T> Array<T>(string name, Func<JsonElement, string, T?> item, bool required = false)
        where T : class
    {
        var result = new List<T>();
        if (Field(name, required) is not { } value)
        {
            return result;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            Error(name, $"expected an array, found {Describe(value)}");
            return result;
        }

        var index = 0;
        foreach (var element in value.EnumerateArray())
        {
            var parsed = item(element, $"{FieldPath(name)}[{index}]");
            if (parsed is not null)
            {
                result.Add(parsed);
            }

            index++;
        }

        return result;
    }

    public List<string> Strings(string name) => Array(name, (e, p) =>
    {
        if (e.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(e.GetString()))
        {
            _errors.Add(new(p, e.ValueKind == JsonValueKind.String ? "must not be empty" : $"expected a string, found {Describe(e)}"));
            return null;
        }

        return e.GetString();
    });

    public LocalDate? Date(string name, bool required = false)
    {
        var text = String(name, required);
        if (text is null)
        {
            return null;
        }

        var result = DatePattern.Parse(text);
        if (!result.Success)
        {
            Error(name, $"'{text}' is not a date (expected YYYY-MM-DD)");
            return null;
        }

        return result.Value;
    }

    /// <summary>A date-time with offset, at minute resolution.</summary>
    public Instant? DateTime(string name, bool required = false) => OffsetDateTime(name, required)?.ToInstant();

    /// <summary>A date-time with offset, at minute resolution, keeping its offset.</summary>
    public OffsetDateTime? OffsetDateTime(string name, bool required = false)
    {
        var text = String(name, required);
        if (text is null)
        {
            return null;
        }

        var result = DateTimePattern.Parse(text);
        if (!result.Success)
        {
            var hasOffset = text.Length > 10 && (text.EndsWith('Z') || text.LastIndexOfAny(['+', '-']) > 10);
            Error(name, hasOffset
                ? $"'{text}' is not an ISO-8601 date-time with offset (expected YYYY-MM-DDTHH:MM:SS±HH:MM)"
                : $"'{text}' has no offset (expected YYYY-MM-DDTHH:MM:SS±HH:MM)");
            return null;
        }

        var value = result.Value;
        if (value.Second != 0 || value.NanosecondOfSecond != 0)
        {
            Error(name, $"'{text}' is not on a whole minute (times have minute resolution)");
            return null;
        }

        if (value.Offset.Seconds % 60 != 0)
        {
            Error(name, "the offset must be a whole number of minutes (times have minute resolution)");
            return null;
        }

        // Checked before the instant is asked for: past the range, computing it overflows.
        if (!SupportedRange.Contains(value))
        {
            Error(name, SupportedRange.DateTimeMessage);
            return null;
        }

        return value;
    }

    /// <summary>A wall-clock time "HH:MM" within 00:00–24:00; 24:00 is returned as midnight with <c>endOfDay</c> set.</summary>
    public (LocalTime Time, bool EndOfDay)? ClockTime(string name, bool required = false)
    {
        var text = String(name, required);
        if (text is null)
        {
            return null;
        }

        if (text == "24:00")
        {
            return (LocalTime.Midnight, true);
        }

        if (text.Length == 5 && text[2] == ':'
            && int.TryParse(text.AsSpan(0, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var hour)
            && int.TryParse(text.AsSpan(3, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var minute)
            && hour < 24 && minute < 60)
        {
            return (new LocalTime(hour, minute), false);
        }

        Error(name, $"'{text}' is not a time HH:MM within 00:00-24:00");
        return null;
    }

    public List<IsoDayOfWeek> Weekdays(string name)
    {
        var days = new List<IsoDayOfWeek>();
        if (Field(name, required: true) is not { } value)
        {
            return days;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            Error(name, $"expected an array, found {Describe(value)}");
            return days;
        }

        var index = 0;
        foreach (var element in value.EnumerateArray())
        {
            var path = $"{FieldPath(name)}[{index++}]";
            var dayIndex = element.ValueKind == JsonValueKind.String ? System.Array.IndexOf(WeekdayNames, element.GetString()) : -1;
            if (dayIndex < 0)
            {
                _errors.Add(new(path, element.ValueKind == JsonValueKind.String
                    ? $"unknown weekday '{element.GetString()}'; allowed: {string.Join(", ", WeekdayNames)}"
                    : $"expected a weekday string, found {Describe(element)}"));
                continue;
            }

            days.Add((IsoDayOfWeek)(dayIndex + 1));
        }

        if (days.Count == 0 && index == 0)
        {
            Error(name, "must list at least one weekday");
        }

        return days;
    }
}
