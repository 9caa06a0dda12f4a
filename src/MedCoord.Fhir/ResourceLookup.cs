using R4 = Hl7.Fhir.Model;

namespace MedCoord.Fhir;

/// <summary>
/// Finds what a reference points at inside a bundle (by full URL, or <c>Type/id</c> against each entry's resource) or
/// among a resource's contained resources (<c>#id</c>); and the engine id a resource or reference stands for.
/// </summary>
internal sealed class ResourceLookup
{
    private readonly Dictionary<string, R4.Resource> _byUrl = new(StringComparer.Ordinal);

    public ResourceLookup(R4.Bundle? bundle)
    {
        foreach (var entry in bundle?.Entry ?? [])
        {
            var resource = entry.Resource;
            if (resource is null)
            {
                continue;
            }

            if (entry.FullUrl is { } url)
            {
                _byUrl.TryAdd(url, resource);
            }

            if (resource.Id is { } id)
            {
                _byUrl.TryAdd($"{resource.TypeName}/{id}", resource);
            }
        }
    }

    /// <summary>The resource a reference points at, or null when it is not in the bundle or contained in <paramref name="container"/>.</summary>
    public R4.Resource? Find(R4.ResourceReference? reference, R4.DomainResource? container)
    {
        if (reference?.Reference is not { Length: > 0 } target)
        {
            return null;
        }

        if (target.StartsWith('#'))
        {
            return container?.Contained.FirstOrDefault(c => c.Id == target[1..]);
        }

        return Resolve(_byUrl, target);
    }

    /// <summary>
    /// What a reference's text names in entries keyed by full URL and by <c>Type/id</c>: the entry of that key, else (an
    /// absolute URL ending in <c>Type/id</c>) the entry of its type and id; null when neither is there.
    /// </summary>
    public static T? Resolve<T>(IReadOnlyDictionary<string, T> entries, string reference)
        where T : class =>
        entries.GetValueOrDefault(reference)
        ?? (reference.Split('/') is { Length: >= 2 } parts ? entries.GetValueOrDefault($"{parts[^2]}/{parts[^1]}") : null);

    /// <summary>
    /// The engine id a reference stands for: the identifier of the resource it points at (the one of <paramref name="system"/>
    /// when it has one, else its first), the reference's own identifier, or the id of a relative <c>Type/id</c> reference.
    /// </summary>
    public string? IdOf(R4.ResourceReference? reference, R4.DomainResource? container, string system)
    {
        if (reference is null)
        {
            return null;
        }

        if (Find(reference, container) is { } resource && Identifier(resource, system) is { } identified)
        {
            return identified;
        }

        if (reference.Identifier?.Value is { } value && !string.IsNullOrWhiteSpace(value))
        {
            return value;
        }

        return reference.Reference is { } target && !target.StartsWith("urn:", StringComparison.Ordinal) && !target.StartsWith('#') && target.Split('/') is { Length: >= 2 } parts && parts[^1].Length > 0
            ? parts[^1]
            : null;
    }

    /// <summary>A resource's identifier value: the one of <paramref name="system"/> when it has one, else its first; null when it has none.</summary>
    public static string? Identifier(R4.Resource resource, string system)
    {
        IEnumerable<R4.Identifier> identifiers = resource switch
        {
            R4.Patient p => p.Identifier,
            R4.Practitioner p => p.Identifier,
            R4.PractitionerRole p => p.Identifier,
            R4.Organization o => o.Identifier,
            R4.DiagnosticReport d => d.Identifier,
            R4.Observation o => o.Identifier,
            R4.Claim c => c.Identifier,
            R4.ServiceRequest s => s.Identifier,
            R4.Encounter e => e.Identifier,
            R4.Coverage c => c.Identifier,
            R4.Appointment a => a.Identifier,
            _ => [],
        };
        return Pick(identifiers, system);
    }

    /// <summary>Of identifiers, the value of the one of <paramref name="system"/> when there is one, else the first; blank values are skipped; null when none is left.</summary>
    public static string? Pick(IEnumerable<R4.Identifier> identifiers, string system)
    {
        var list = identifiers.Where(i => !string.IsNullOrWhiteSpace(i.Value)).ToList();
        return (list.FirstOrDefault(i => i.System == system) ?? list.FirstOrDefault())?.Value;
    }
}
