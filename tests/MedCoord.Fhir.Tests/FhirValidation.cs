using Firely.Fhir.Validation;
using Hl7.Fhir.Model;
using Hl7.Fhir.Specification.Source;
using Hl7.Fhir.Specification.Terminology;

namespace MedCoord.Fhir.Tests;

/// <summary>
/// The Firely validator over the offline base R4 specification (Hl7.Fhir.Specification.Data.R4's specification.zip):
/// what every resource the package emits is checked with. One instance for the test run (loading the specification
/// is the slow part); the validator is used one resource at a time under a lock.
/// </summary>
public static class FhirValidation
{
    private static readonly Lazy<Validator> Shared = new(() => Create(withProfiles: false));
    private static readonly object Gate = new();

    /// <summary>The issues of severity error or fatal the validator finds in a resource, each as "severity at path: message".</summary>
    /// <param name="resource">A resource (a Bundle validates its entries too).</param>
    /// <returns>The errors; empty when the resource conforms to the base R4 profiles.</returns>
    public static IReadOnlyList<string> Errors(Resource resource) => ErrorsOf(Shared, resource);

    private static readonly Lazy<Validator> WithProfiles = new(() => Create(withProfiles: true));

    /// <summary>As <see cref="Errors"/>, with MedCoord's extension StructureDefinitions loaded, so that each extension's content is checked too.</summary>
    /// <param name="resource">A resource.</param>
    /// <returns>The errors.</returns>
    public static IReadOnlyList<string> ErrorsWithProfiles(Resource resource) => ErrorsOf(WithProfiles, resource);

    private static IReadOnlyList<string> ErrorsOf(Lazy<Validator> validator, Resource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        OperationOutcome outcome;
        lock (Gate)
        {
            outcome = validator.Value.Validate(resource);
        }

        return [.. outcome.Issue
            .Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal)
            .Select(i => $"{i.Severity} at {string.Join(", ", i.Expression ?? [])}: {i.Details?.Text ?? i.Diagnostics}")];
    }

    /// <summary>MedCoord's extension StructureDefinitions with their snapshots, built over the base specification.</summary>
    public static IReadOnlyList<StructureDefinition> ProfilesWithSnapshots()
    {
        lock (Gate)
        {
            var generator = new Hl7.Fhir.Specification.Snapshot.SnapshotGenerator(Specification());
            var profiles = MedCoordProfiles.Extensions();
            foreach (var sd in profiles)
            {
                generator.UpdateAsync(sd).GetAwaiter().GetResult();
                var problems = generator.Outcome?.Issue.Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal).ToList() ?? [];
                if (problems.Count > 0)
                {
                    throw new InvalidOperationException($"snapshot of {sd.Url}: {string.Join("; ", problems.Select(p => p.Details?.Text ?? p.Diagnostics))}");
                }
            }

            return profiles;
        }
    }

    /// <summary>Every element below a node, depth first.</summary>
    /// <param name="node">A resource or element.</param>
    /// <returns>The elements.</returns>
    public static IEnumerable<Base> Descendants(Base node)
    {
        foreach (var (_, value) in node.EnumerateElements())
        {
            foreach (var child in value is Base one ? [one] : value is IEnumerable<Base> many ? many : [])
            {
                yield return child;
                foreach (var below in Descendants(child))
                {
                    yield return below;
                }
            }
        }
    }

    /// <summary>
    /// The base R4 specification, offline: one source for the test run, shared by both validators and the snapshot
    /// generator (indexing the specification is the slow part, about 3 s per source).
    /// </summary>
    private static readonly Lazy<IAsyncResourceResolver> BaseSpecification =
        new(() => new CachedResolver(ZipSource.CreateValidationSource(Path.Combine(AppContext.BaseDirectory, "specification.zip"))));

    private static IAsyncResourceResolver Specification() => BaseSpecification.Value;

    private static Validator Create(bool withProfiles)
    {
        var source = Specification();
        var resolver = withProfiles
            ? new CachedResolver(new MultiResolver(new InMemoryResourceResolver(ProfilesWithSnapshots()), source))
            : source;
        var terminology = LocalTerminologyService.CreateDefaultForCore(resolver);
        return new Validator(resolver, terminology);
    }
}
