using Hl7.Fhir.Model;

namespace MedCoord.Fhir.Tests;

/// <summary>Identifiers written compactly in test data: <c>system=value|system=value</c>; a value may be empty.</summary>
internal static class TestIdentifiers
{
    public static List<Identifier> Parse(string text) =>
        [.. text.Split('|', StringSplitOptions.RemoveEmptyEntries).Select(i => i.Split('=')).Select(p => new Identifier(p[0], p[1]))];
}
