using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace MedCoord.Engine.Billing;

/// <summary>
/// JSON paths for the errors of the engine's file readers (claim and eligibility request files): the reader's
/// <c>$.a.b[0]</c> as <c>a.b[0]</c>, the name of an unknown field, and every required field an object lacks
/// (the serializer's own message stops after a few). Thread safe.
/// </summary>
internal static class JsonPaths
{
    private const string UnmappedStart = "The JSON property '";
    private const string UnmappedEnd = "' could not be mapped to any .NET member";
    private const string TypeStart = "for type '";

    /// <summary>The characters that make the reader write a member as <c>['name']</c>.</summary>
    private static readonly System.Buffers.SearchValues<char> Special = System.Buffers.SearchValues.Create(". '/\"[]()\t\n\r\f\b\\\u0085\u2028\u2029");

    /// <summary>The reader's path without its leading <c>$.</c>; <c>$</c> for the whole file.</summary>
    /// <param name="readerPath">The path of a <see cref="JsonException"/>.</param>
    /// <returns>The path.</returns>
    public static string Relative(string? readerPath) =>
        string.IsNullOrEmpty(readerPath) || readerPath == "$" ? "$" : readerPath.StartsWith("$[", StringComparison.Ordinal) ? readerPath[1..] : readerPath.TrimStart('$', '.');

    /// <summary>A top-level member's path: its name, or <c>['name']</c> when the name holds a character a path cannot (as the reader writes it).</summary>
    /// <param name="name">The member's name.</param>
    /// <returns>The path.</returns>
    public static string Member(string name) =>
        name.Length > 0 && name.AsSpan().IndexOfAny(Special) < 0 ? name : $"['{name.Replace("'", "\\'", StringComparison.Ordinal)}']";

    /// <summary>A path inside a part made whole: the part's path, then the path the part's reader gave (<c>$</c> for the part itself).</summary>
    /// <param name="part">The part's path in the file (<c>claims[2]</c>).</param>
    /// <param name="inside">The path inside the part (<c>lines[0].charge</c>, <c>[1]</c> or <c>$</c>).</param>
    /// <returns>The path in the file (<c>claims[2].lines[0].charge</c>).</returns>
    public static string Within(string part, string inside) =>
        inside == "$" ? part : inside.StartsWith('[') ? part + inside : $"{part}.{inside}";

    /// <summary>Whether a field must be in its object: required, or a constructor parameter without a default.</summary>
    /// <param name="property">The field.</param>
    /// <returns>True when it must be there.</returns>
    public static bool IsRequired(JsonPropertyInfo property) => property.IsRequired || property.AssociatedParameter is { HasDefaultValue: false };

    /// <summary>Whether a field may be null (its constructor parameter's, else its setter's, nullable annotation).</summary>
    /// <param name="property">The field.</param>
    /// <returns>True when null is allowed.</returns>
    public static bool IsNullable(JsonPropertyInfo property) => property.AssociatedParameter?.IsNullable ?? property.IsSetNullable;

    /// <summary>The field a "could not be mapped" error names, or null for another error.</summary>
    /// <param name="message">The error's message.</param>
    /// <returns>The field's name.</returns>
    public static string? UnmappedMember(string message)
    {
        var start = message.IndexOf(UnmappedStart, StringComparison.Ordinal);
        var end = message.IndexOf(UnmappedEnd, StringComparison.Ordinal);
        return start >= 0 && end > start ? message[(start + UnmappedStart.Length)..end] : null;
    }

    /// <summary>
    /// Every required field the object at <paramref name="readerPath"/> lacks, in the order the format lists them; null
    /// when that cannot be worked out (the type is unknown, or the text is not well-formed past the object).
    /// </summary>
    /// <param name="message">The serializer's "missing required properties" message, which names the type.</param>
    /// <param name="readerPath">The error's path: the object's.</param>
    /// <param name="json">The file's text.</param>
    /// <param name="options">The options the file was read with.</param>
    /// <returns>The missing fields' names.</returns>
    public static IReadOnlyList<string>? MissingRequired(string message, string? readerPath, string json, JsonSerializerOptions options)
    {
        var start = message.IndexOf(TypeStart, StringComparison.Ordinal);
        var end = start < 0 ? -1 : message.IndexOf('\'', start + TypeStart.Length);
        if (end < 0 || typeof(JsonPaths).Assembly.GetType(message[(start + TypeStart.Length)..end]) is not { } type)
        {
            return null;
        }

        var required = options.GetTypeInfo(type).Properties.Where(IsRequired).Select(p => p.Name).ToList();
        try
        {
            using var document = JsonDocument.Parse(json);
            if (Find(document.RootElement, readerPath ?? "$") is not { ValueKind: JsonValueKind.Object } element)
            {
                return null;
            }

            var present = element.EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
            return [.. required.Where(r => !present.Contains(r))];
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The element at a reader path (<c>$.a[0]['b c']</c>), or null when there is none.</summary>
    private static JsonElement? Find(JsonElement root, string path)
    {
        var current = root;
        var i = path.StartsWith('$') ? 1 : 0;
        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                var next = path.IndexOfAny(['.', '['], i + 1);
                var name = path[(i + 1)..(next < 0 ? path.Length : next)];
                if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(name, out current))
                {
                    return null;
                }

                i = next < 0 ? path.Length : next;
            }
            else if (path[i] == '[' && i + 1 < path.Length && path[i + 1] == '\'')
            {
                var close = path.IndexOf("']", i + 2, StringComparison.Ordinal);
                if (close < 0 || current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(path[(i + 2)..close].Replace("\\'", "'", StringComparison.Ordinal), out current))
                {
                    return null;
                }

                i = close + 2;
            }
            else if (path[i] == '[')
            {
                var close = path.IndexOf(']', i);
                if (close < 0 || current.ValueKind != JsonValueKind.Array || !int.TryParse(path.AsSpan(i + 1, close - i - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var index) || index >= current.GetArrayLength())
                {
                    return null;
                }

                current = current[index];
                i = close + 1;
            }
            else
            {
                return null;
            }
        }

        return current;
    }
}
