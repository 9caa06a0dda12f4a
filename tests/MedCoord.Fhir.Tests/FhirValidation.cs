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
    private static readonly Lazy<Validator> Shared = new(Create);
    private static readonly object Gate = new();

    /// <summary>The issues of severity error or fatal the validator finds in a resource, each as "severity at path: message".</summary>
    /// <param name="resource">A resource (a Bundle validates its entries too).</param>
    /// <returns>The errors; empty when the resource conforms to the base R4 profiles.</returns>
    public static IReadOnlyList<string> Errors(Resource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        OperationOutcome outcome;
        lock (Gate)
        {
            outcome = Shared.Value.Validate(resource);
        }

        return [.. outcome.Issue
            .Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal)
            .Select(i => $"{i.Severity} at {string.Join(", ", i.Expression ?? [])}: {i.Details?.Text ?? i.Diagnostics}")];
    }

    private static Validator Create()
    {
        var zip = Path.Combine(AppContext.BaseDirectory, "specification.zip");
        var resolver = new CachedResolver(new MultiResolver(ZipSource.CreateValidationSource(zip)));
        var terminology = LocalTerminologyService.CreateDefaultForCore(resolver);
        return new Validator(resolver, terminology);
    }
}
