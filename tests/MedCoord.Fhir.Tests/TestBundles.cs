using Hl7.Fhir.Model;

namespace MedCoord.Fhir.Tests;

/// <summary>Collection bundles as an EHR sends them: each resource at its EHR URL, one without an id at a uuid by its place.</summary>
internal static class TestBundles
{
    public static Bundle Collection(params Resource[] resources) => new()
    {
        Type = Bundle.BundleType.Collection,
        Entry = [.. resources.Select((r, i) => new Bundle.EntryComponent { FullUrl = r.Id is null ? $"urn:uuid:00000000-0000-4000-8000-{i:D12}" : $"http://ehr.example/fhir/{r.TypeName}/{r.Id}", Resource = r })],
    };
}
