using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using NodaTime;
using NodaTime.Text;
using R4 = Hl7.Fhir.Model;

namespace MedCoord.Fhir;

/// <summary>
/// The resources of one bundle, each with a stable <c>urn:uuid</c> full URL derived from its resource type and engine
/// id (the same record always gets the same URL), so that references between them resolve inside the bundle.
/// </summary>
internal sealed class BundleBuilder
{
    private readonly List<(string Key, R4.Resource Resource)> _resources = [];
    private readonly Dictionary<string, R4.Resource> _byKey = new(StringComparer.Ordinal);

    /// <summary>The <c>urn:uuid</c> full URL of the resource of a type for an engine key.</summary>
    public static string UrlOf(string resourceType, string key) => $"urn:uuid:{UuidOf(resourceType, key)}";

    /// <summary>A name-based UUID (RFC 9562 version 8 over SHA-256) of the resource type and key.</summary>
    public static string UuidOf(string resourceType, string key)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"medcoord/{resourceType}/{key}"));
        var bytes = hash.AsSpan(0, 16).ToArray();
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true).ToString("D", CultureInfo.InvariantCulture);
    }

    /// <summary>A key of several ids that no other list of ids gives (each id length-prefixed), for a resource keyed by more than one id.</summary>
    public static string Key(params string[] parts) => string.Join('/', parts.Select(p => $"{p.Length.ToString(CultureInfo.InvariantCulture)}:{p}"));

    /// <summary>Gets whether the bundle already holds the resource of a type for a key.</summary>
    public bool Has(string resourceType, string key) => _byKey.ContainsKey($"{resourceType}/{key}");

    /// <summary>The resource of a type for a key, when the bundle holds it.</summary>
    public T? Get<T>(string resourceType, string key)
        where T : R4.Resource => _byKey.GetValueOrDefault($"{resourceType}/{key}") as T;

    /// <summary>Adds a resource under its key (its id becomes the UUID) and returns a reference to it.</summary>
    public R4.ResourceReference Add(R4.Resource resource, string key)
    {
        var type = resource.TypeName;
        if (!_byKey.TryAdd($"{type}/{key}", resource))
        {
            throw new InvalidOperationException($"The bundle already holds a {type} for '{key}'.");
        }

        resource.Id = UuidOf(type, key);
        _resources.Add((key, resource));
        return Ref(type, key);
    }

    /// <summary>A reference to the resource of a type for a key (added or to be added).</summary>
    public static R4.ResourceReference Ref(string resourceType, string key) => new(UrlOf(resourceType, key));

    /// <summary>The bundle (type collection) of every resource added, in the order added.</summary>
    public R4.Bundle Build(Instant at) => new()
    {
        Id = UuidOf("Bundle", InstantPattern.ExtendedIso.Format(at)),
        Type = R4.Bundle.BundleType.Collection,
        Timestamp = at.ToDateTimeOffset(),
        Entry = [.. _resources.Select(r => new R4.Bundle.EntryComponent { FullUrl = UrlOf(r.Resource.TypeName, r.Key), Resource = r.Resource })],
    };
}
