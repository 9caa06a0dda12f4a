using System.Text.Json.Nodes;
using Xunit;

namespace MedCoord.Fhir.Tests;

/// <summary>The hand-written EHR scheduling bundle of the test data, edited as JSON before it is read.</summary>
internal static class EhrBundle
{
    /// <summary>The bundle with <paramref name="edit"/> made to its entries, read as FHIR (the edit must leave valid FHIR JSON).</summary>
    public static Hl7.Fhir.Model.Bundle Edited(Action<JsonArray> edit)
    {
        var root = JsonNode.Parse(File.ReadAllText(SchedulingTestData.Path("ehr-bundle.json")))!.AsObject();
        edit(root["entry"]!.AsArray());
        Assert.Empty(FhirJson.TryParseBundle(root.ToJsonString(), out var bundle));
        return bundle!;
    }

    public static JsonObject Resource(JsonArray entries, string id) =>
        entries.Select(e => e!["resource"]!.AsObject()).Single(r => (string?)r["id"] == id);

    public static JsonNode Json(string text) => JsonNode.Parse(text)!;

    public static void Add(JsonArray entries, string resource, string? fullUrl = null)
    {
        var entry = new JsonObject { ["resource"] = Json(resource) };
        if (fullUrl is not null)
        {
            entry["fullUrl"] = fullUrl;
        }

        entries.Add(entry);
    }

    public static void Extend(JsonObject resource, string extension) =>
        (resource["extension"] ??= new JsonArray()).AsArray().Add(Json(extension));
}
