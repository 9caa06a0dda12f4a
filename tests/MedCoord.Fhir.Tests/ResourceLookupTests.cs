using Hl7.Fhir.Model;
using Xunit;

namespace MedCoord.Fhir.Tests;

/// <summary>How a reference finds what it points at (by full URL, Type/id, an absolute URL's tail, or #id among contained resources) and which engine id it stands for.</summary>
public sealed class ResourceLookupTests
{
    private static readonly Patient First = new() { Id = "p1", Identifier = [new("urn:other", "other-1"), new("urn:medcoord:patient", "pat-1")] };
    private static readonly Patient Second = new() { Id = "p2" };
    private static readonly Practitioner Unidentified = new() { Id = "dr" };

    private static readonly Bundle Bundle = new()
    {
        Entry =
        [
            new() { FullUrl = "urn:uuid:7d3c4a1e-0000-4000-8000-000000000001", Resource = First },
            new() { FullUrl = "https://ehr.example/fhir/Patient/p2", Resource = Second },
            new() { Resource = Unidentified },
            new() { FullUrl = "urn:uuid:7d3c4a1e-0000-4000-8000-000000000009" },
            new() { FullUrl = "urn:uuid:7d3c4a1e-0000-4000-8000-000000000001", Resource = new Patient { Id = "p1", Identifier = [new("urn:medcoord:patient", "late")] } },
        ],
    };

    private readonly ResourceLookup _lookup = new(Bundle);

    [Theory]
    [InlineData("urn:uuid:7d3c4a1e-0000-4000-8000-000000000001", "p1")]
    [InlineData("Patient/p1", "p1")]
    [InlineData("https://ehr.example/fhir/Patient/p2", "p2")]
    [InlineData("Patient/p2", "p2")]
    [InlineData("https://elsewhere.example/fhir/Patient/p2", "p2")]
    [InlineData("Practitioner/dr", "dr")]
    public void Find_ByFullUrlTypeAndIdOrAnAbsoluteUrlsTail_IsTheFirstEntryOfThatKey(string reference, string id)
    {
        var found = _lookup.Find(new ResourceReference(reference), null);

        Assert.Equal(id, found?.Id);
    }

    [Fact]
    public void Find_TwoEntriesOfOneFullUrl_IsTheFirst() =>
        Assert.Same(First, _lookup.Find(new ResourceReference("urn:uuid:7d3c4a1e-0000-4000-8000-000000000001"), null));

    [Theory]
    [InlineData("Patient/p3")]
    [InlineData("Practitioner/p1")]
    [InlineData("p1")]
    [InlineData("urn:uuid:7d3c4a1e-0000-4000-8000-000000000009")]
    [InlineData("")]
    [InlineData("#p1")]
    public void Find_WhatIsNotThere_IsNothing(string reference) => Assert.Null(_lookup.Find(new ResourceReference(reference), new Patient()));

    [Fact]
    public void Find_AContainedResource_ByItsHashId_OnlyInItsContainer()
    {
        var contained = new Practitioner { Id = "req" };
        var container = new ServiceRequest { Contained = [new Patient { Id = "other" }, contained] };

        Assert.Same(contained, _lookup.Find(new ResourceReference("#req"), container));
        Assert.Null(_lookup.Find(new ResourceReference("#req"), null));
        Assert.Null(_lookup.Find(new ResourceReference("#gone"), container));
        Assert.Null(_lookup.Find(null, container));
        Assert.Null(_lookup.Find(new ResourceReference { Display = "no reference" }, container));
        Assert.Null(new ResourceLookup(null).Find(new ResourceReference("Patient/p1"), null));
    }

    [Fact]
    public void IdOf_IsTheIdentifierOfTheSystemAsked_ElseTheFirst_ElseTheReferencesOwn_ElseARelativeReferencesId()
    {
        Assert.Equal("pat-1", _lookup.IdOf(new ResourceReference("Patient/p1"), null, "urn:medcoord:patient"));
        Assert.Equal("other-1", _lookup.IdOf(new ResourceReference("Patient/p1"), null, "urn:medcoord:provider"));
        Assert.Equal("given", _lookup.IdOf(new ResourceReference("Patient/p2") { Identifier = new Identifier("urn:x", "given") }, null, "urn:x"));
        Assert.Equal("p2", _lookup.IdOf(new ResourceReference("Patient/p2") { Identifier = new Identifier("urn:x", " ") }, null, "urn:x"));
        Assert.Equal("dr", _lookup.IdOf(new ResourceReference("Practitioner/dr"), null, "urn:x"));
        Assert.Equal("p9", _lookup.IdOf(new ResourceReference("https://ehr.example/fhir/Patient/p9"), null, "urn:x"));
        Assert.Equal("given", _lookup.IdOf(new ResourceReference { Identifier = new Identifier("urn:x", "given") }, null, "urn:x"));
        Assert.Null(_lookup.IdOf(new ResourceReference("urn:uuid:7d3c4a1e-0000-4000-8000-000000000005"), null, "urn:x"));
        Assert.Null(_lookup.IdOf(new ResourceReference("#gone"), null, "urn:x"));
        Assert.Null(_lookup.IdOf(new ResourceReference("p9"), null, "urn:x"));
        Assert.Null(_lookup.IdOf(new ResourceReference("Patient/"), null, "urn:x"));
        Assert.Null(_lookup.IdOf(null, null, "urn:x"));
    }

    [Fact]
    public void Identifier_OfEachResourceTypeTheReadersLookUp_AndNoneOfOthers()
    {
        Identifier[] ids = [new("urn:a", "first"), new("urn:b", "wanted")];
        Resource[] resources =
        [
            new Patient { Identifier = [.. ids] }, new Practitioner { Identifier = [.. ids] }, new PractitionerRole { Identifier = [.. ids] }, new Organization { Identifier = [.. ids] },
            new DiagnosticReport { Identifier = [.. ids] }, new Observation { Identifier = [.. ids] }, new Claim { Identifier = [.. ids] }, new ServiceRequest { Identifier = [.. ids] },
            new Encounter { Identifier = [.. ids] }, new Coverage { Identifier = [.. ids] }, new Appointment { Identifier = [.. ids] },
        ];

        Assert.All(resources, r => Assert.Equal(("wanted", "first"), (ResourceLookup.Identifier(r, "urn:b"), ResourceLookup.Identifier(r, "urn:c"))));
        Assert.Null(ResourceLookup.Identifier(new Location { Identifier = [.. ids] }, "urn:b"));
        Assert.Null(ResourceLookup.Identifier(new Patient(), "urn:b"));
    }

    [Fact]
    public void Pick_SkipsBlankValues()
    {
        Assert.Equal("x", ResourceLookup.Pick([new("urn:b", " "), new("urn:a", "x"), new("urn:b", "")], "urn:b"));
        Assert.Equal("y", ResourceLookup.Pick([new("urn:a", null), new("urn:b", "y")], "urn:c"));
        Assert.Null(ResourceLookup.Pick([new("urn:a", "  ")], "urn:a"));
    }
}
