using System.Text.Json;
using System.Text.RegularExpressions;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using MedCoord.Scheduling.Serialization;
using MedCoord.Scheduling.Validation;

namespace MedCoord.Fhir;

/// <summary>FHIR R4 JSON, read strictly and written indented with <c>\n</c> line ends (Firely's System.Text.Json converters). Thread safe.</summary>
public static partial class FhirJson
{
    private static readonly JsonSerializerOptions Options = new JsonSerializerOptions { WriteIndented = true, NewLine = "\n" }.ForFhir(ModelInfo.ModelInspector);

    /// <summary>Writes a resource as FHIR JSON.</summary>
    /// <param name="resource">The resource.</param>
    /// <returns>The JSON text, indented.</returns>
    public static string Serialize(Resource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        return JsonSerializer.Serialize(resource, resource.GetType(), Options);
    }

    /// <summary>
    /// Reads a Bundle from the bytes of a FHIR JSON file: UTF-8 (a byte order mark is allowed), checked strictly, so that
    /// a bad byte is an error at its offset and never a replacement character in a name.
    /// </summary>
    /// <param name="utf8Json">The file's bytes.</param>
    /// <param name="bundle">The Bundle, when there are no errors.</param>
    /// <returns>Every fault, as <see cref="TryParseBundle"/> gives them, or the one encoding fault (at <c>$</c>).</returns>
    public static IReadOnlyList<ValidationError> TryReadBundle(ReadOnlySpan<byte> utf8Json, out Bundle? bundle)
    {
        bundle = null;
        return Utf8Text.Decode(utf8Json, out var error) is { } json ? TryParseBundle(json, out bundle) : [new ValidationError("$", error!)];
    }

    /// <summary>Reads a Bundle from FHIR JSON.</summary>
    /// <param name="json">The JSON text.</param>
    /// <param name="bundle">The Bundle, when there are no errors.</param>
    /// <returns>Every fault, each with where it is (the parser's FHIRPath and line) and its error code; never the values read, which may be patient data.</returns>
    public static IReadOnlyList<ValidationError> TryParseBundle(string json, out Bundle? bundle)
    {
        ArgumentNullException.ThrowIfNull(json);
        bundle = null;
        Resource? resource;
        if (json.AsSpan().TrimStart() is ['[', ..])
        {
            return [new ValidationError("$", "not FHIR R4 JSON (an array, where a resource is a JSON object)")];
        }

        try
        {
            resource = JsonSerializer.Deserialize<Resource>(json, Options);
        }
        catch (DeserializationFailedException ex)
        {
            return [.. ex.Exceptions.Select(e => new ValidationError(Where(e.Message), $"not FHIR R4 JSON ({e.ErrorCode})"))];
        }
        catch (JsonException ex)
        {
            return [new ValidationError(ex.LineNumber is { } line ? $"$ (line {line + 1})" : "$", "not FHIR R4 JSON (malformed JSON)")];
        }
        catch (Exception ex) when (ex is FormatException or NotSupportedException or InvalidOperationException or ArgumentException)
        {
            return [new ValidationError("$", $"not FHIR R4 JSON ({ex.GetType().Name})")];
        }

        if (resource is not Bundle b)
        {
            return [new ValidationError("$", resource is null ? "not a FHIR resource" : $"a {resource.TypeName}, not a Bundle")];
        }

        bundle = b;
        return [];
    }

    /// <summary>The location the parser names at the end of its message (<c>At Bundle.entry[0].resource.status, line 5, position 12.</c>), without the message's quoted values.</summary>
    private static string Where(string message) =>
        AtLocation().Match(message) is { Success: true } m ? m.Groups[1].Value : "$";

    [GeneratedRegex(@"At ([^,\s]+(?:, line \d+, position \d+)?)\.?\s*$")]
    private static partial Regex AtLocation();
}
