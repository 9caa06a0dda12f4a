using Hl7.Fhir.Model;
using Xunit;

namespace MedCoord.Fhir.Tests;

/// <summary>FHIR JSON read strictly: every fault named by where it is and its error code, never by the value read; and written indented.</summary>
public sealed class FhirJsonTests
{
    private static List<string> Errors(string json) => [.. FhirJson.TryParseBundle(json, out _).Select(e => e.ToString())];

    [Fact]
    public void TryParseBundle_ABundle_IsReadWithNoErrors()
    {
        Assert.Empty(FhirJson.TryParseBundle("""{ "resourceType": "Bundle", "type": "collection", "entry": [ { "resource": { "resourceType": "Patient", "id": "p1" } } ] }""", out var bundle));

        Assert.Equal(("p1", Bundle.BundleType.Collection), (bundle!.Entry.Single().Resource!.Id, bundle.Type!.Value));
    }

    [Fact]
    public void TryParseBundle_MalformedJson_NamesItsLine() =>
        Assert.Equal(["$ (line 3): not FHIR R4 JSON (malformed JSON)"], Errors("{\n  \"resourceType\": \"Bundle\",\n  \"type\": ]\n}"));

    [Fact]
    public void TryParseBundle_JsonThatIsNoObject_OrAFaultWithoutALocation_IsNamedAtTheRoot()
    {
        Assert.Equal(["$: not FHIR R4 JSON (an array, where a resource is a JSON object)"], Errors(" \n[]"));
        Assert.Equal("$: not FHIR R4 JSON (JSON103)", Errors("{}")[0]);
        Assert.Equal(["$ (line 1): not FHIR R4 JSON (malformed JSON)"], Errors(string.Empty));
    }

    [Fact]
    public void TryReadBundle_UTF8WithOrWithoutAByteOrderMark_IsRead_ABadByteIsNamedByItsOffset_UTF16IsRefused()
    {
        var json = System.Text.Encoding.UTF8.GetBytes("""{ "resourceType": "Bundle", "type": "collection", "entry": [ { "resource": { "resourceType": "Patient", "id": "p1", "name": [ { "text": "Zoë" } ] } } ] }""");
        byte[] bom = [0xEF, 0xBB, 0xBF];
        var bad = (byte[])json.Clone();
        bad[Array.IndexOf(bad, (byte)'Z')] = 0xC3;

        Assert.Empty(FhirJson.TryReadBundle(json, out var plain));
        Assert.Empty(FhirJson.TryReadBundle([.. bom, .. json], out var marked));
        Assert.Equal(("Zoë", "Zoë"), (((Patient)plain!.Entry.Single().Resource!).Name.Single().Text, ((Patient)marked!.Entry.Single().Resource!).Name.Single().Text));
        Assert.Equal([$"$: invalid UTF-8 at byte offset {Array.IndexOf(json, (byte)'Z') + 3} (the file must be UTF-8)"],
            FhirJson.TryReadBundle([.. bom, .. bad], out var none).Select(e => e.ToString()));
        Assert.Null(none);
        Assert.Equal(["$: the file starts with a UTF-16 byte order mark; it must be UTF-8"],
            FhirJson.TryReadBundle(System.Text.Encoding.Unicode.GetPreamble().Concat(System.Text.Encoding.Unicode.GetBytes("{}")).ToArray(), out _).Select(e => e.ToString()));
        Assert.Equal(["$ (line 1): not FHIR R4 JSON (malformed JSON)"], FhirJson.TryReadBundle([.. bom, .. "{"u8], out _).Select(e => e.ToString()));
    }

    [Fact]
    public void TryParseBundle_NullOrAnotherResource_IsNoBundle()
    {
        Assert.Equal(["$: not a FHIR resource"], Errors("null"));
        Assert.Equal(["$: a Basic, not a Bundle"], Errors("""{ "resourceType": "Basic", "code": { "text": "x" } }"""));
    }

    [Fact]
    public void TryParseBundle_EveryFaultIsNamedByItsPathAndLine_WithoutTheValue()
    {
        var json = """
            {
              "resourceType": "Bundle",
              "type": "collection",
              "entry": [
                { "resource": { "resourceType": "Patient", "id": "p1", "gender": "SECRET-VALUE" } },
                { "resource": { "resourceType": "Patient", "id": "p2", "birthDate": 19680412 } }
              ]
            }
            """;

        var errors = FhirJson.TryParseBundle(json, out var bundle);

        Assert.Null(bundle);
        Assert.Equal(2, errors.Count);
        Assert.StartsWith("Bundle.entry[0].resource.gender, line 5", errors[0].Path, StringComparison.Ordinal);
        Assert.StartsWith("Bundle.entry[1].resource.birthDate, line 6", errors[1].Path, StringComparison.Ordinal);
        Assert.All(errors, e => Assert.Matches(@"^not FHIR R4 JSON \([A-Z]+\d+\)$", e.Message));
        Assert.All(errors, e => Assert.DoesNotContain("SECRET", e.ToString(), StringComparison.Ordinal));
        Assert.DoesNotContain("19680412", string.Join(" ", errors));
    }

    [Fact]
    public void Serialize_WritesIndentedFhirJson_ThatReadsBack()
    {
        var bundle = new Bundle { Type = Bundle.BundleType.Collection, Entry = [new() { FullUrl = "urn:uuid:0b0e2ab8-32a1-4e45-9a43-2c4b1f8b6a11", Resource = new Patient { Id = "p1" } }] };

        var json = FhirJson.Serialize(bundle);

        Assert.StartsWith("{\n  \"resourceType\": \"Bundle\"", json.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Empty(FhirJson.TryParseBundle(json, out var back));
        Assert.Equal("p1", back!.Entry.Single().Resource!.Id);
        Assert.Throws<ArgumentNullException>(() => FhirJson.Serialize(null!));
        Assert.Throws<ArgumentNullException>(() => FhirJson.TryParseBundle(null!, out _));
    }
}
