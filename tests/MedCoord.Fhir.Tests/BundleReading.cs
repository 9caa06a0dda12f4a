#nullable disable
using Hl7.Fhir.Model;

namespace MedCoord.Fhir.Tests;

/// <summary>Reading an exported bundle in the tests: its resources of a type, what a reference points at, and codes as text.</summary>
internal static class BundleReading
{
    public static IEnumerable<T> All<T>(Bundle bundle)
        where T : Resource => bundle.Entry.Select(e => e.Resource).OfType<T>();

    public static T Resolve<T>(Bundle bundle, ResourceReference reference)
        where T : Resource => (T)bundle.Entry.Single(e => e.FullUrl == reference.Reference).Resource;

    /// <summary>A reference as what it points at: the resource's type and first identifier, or the identifier it carries; "-" for none.</summary>
    public static string Ref(Bundle bundle, ResourceReference reference)
    {
        if (reference is null)
        {
            return "-";
        }

        if (reference.Reference is { } url)
        {
            var resource = bundle.Entry.Single(e => e.FullUrl == url).Resource;
            var identifier = ((IEnumerable<Identifier>)resource.GetType().GetProperty("Identifier")!.GetValue(resource)).First();
            return $"{resource.TypeName}:{identifier.Value}";
        }

        return $"{reference.Identifier.System}={reference.Identifier.Value}";
    }

    /// <summary>A concept as <c>system|code</c> of each coding, joined by +, then its text quoted; "-" for none.</summary>
    public static string Codes(CodeableConcept concept) =>
        concept is null ? "-" : string.Join("+", concept.Coding.Select(c => $"{c.System}|{c.Code}")) + (concept.Text is { } text ? $" '{text}'" : string.Empty);
}
