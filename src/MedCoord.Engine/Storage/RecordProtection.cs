using System.Security.Cryptography;
using System.Text;
using MedCoord.Engine.Audit;

namespace MedCoord.Engine.Storage;

/// <summary>One row of the records table as stored: what the audit chain commits to.</summary>
/// <param name="Kind">The kind of record.</param>
/// <param name="Id">Its id.</param>
/// <param name="Version">Its version.</param>
/// <param name="KeyId">The id of the data key its body is encrypted with; null when the body is JSON in clear.</param>
/// <param name="Body">The body as stored.</param>
internal sealed record RecordRow(string Kind, string Id, long Version, string? KeyId, string Body)
{
    /// <summary>Gets what an audit entry that wrote this version carries: the version and the SHA-256 of the row as stored.</summary>
    public string Commitment => $"v{Version}:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Fields.Join("record/1", Kind, Id, Version.ToString(System.Globalization.CultureInfo.InvariantCulture), KeyId ?? string.Empty, Body))))}";
}

/// <summary>
/// Encrypts record bodies at rest with AES-256-GCM under the current data key, and opens them with the key ring (the
/// current key and earlier ones kept for reading). The associated data binds a body to its kind, id and version, so a
/// body moved to another row or version does not open. Without a current key bodies are written as JSON in clear.
/// Thread safe.
/// </summary>
internal sealed class RecordProtection
{
    private const int NonceLength = 12;
    private const int TagLength = 16;

    private readonly EngineKey? _current;
    private readonly Dictionary<string, EngineKey> _ring;

    public RecordProtection(EngineKey? current, IEnumerable<EngineKey>? previous = null)
    {
        _current = current;
        _ring = new Dictionary<string, EngineKey>(StringComparer.Ordinal);
        foreach (var key in (previous ?? []).Append(current).OfType<EngineKey>())
        {
            _ring[key.Id] = key;
        }
    }

    /// <summary>Gets the protection that writes and reads JSON in clear.</summary>
    public static RecordProtection Clear { get; } = new(null);

    /// <summary>The row to store for a record's JSON: encrypted under the current key, or in clear without one.</summary>
    public RecordRow Seal(string kind, string id, long version, string json)
    {
        if (_current is null)
        {
            return new RecordRow(kind, id, version, null, json);
        }

        var plain = Encoding.UTF8.GetBytes(json);
        var sealedBytes = new byte[NonceLength + TagLength + plain.Length];
        var nonce = sealedBytes.AsSpan(0, NonceLength);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_current.Material, TagLength);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceLength + TagLength), sealedBytes.AsSpan(NonceLength, TagLength), AssociatedData(kind, id, version));
        return new RecordRow(kind, id, version, _current.Id, Convert.ToBase64String(sealedBytes));
    }

    /// <summary>Whether the row is in clear or encrypted with a key of the ring (it may still fail to open if it was altered).</summary>
    public bool CanOpen(RecordRow row) => row.KeyId is null || _ring.ContainsKey(row.KeyId);

    /// <summary>The JSON of a stored row.</summary>
    /// <exception cref="EngineKeyException">The row is encrypted with a key not in the ring, or does not open with it.</exception>
    public string Open(RecordRow row)
    {
        if (row.KeyId is null)
        {
            return row.Body;
        }

        if (!_ring.TryGetValue(row.KeyId, out var key))
        {
            var given = _current is null ? "no data key was given" : $"the data keys given are {string.Join(", ", _ring.Keys.Order(StringComparer.Ordinal))}";
            throw new EngineKeyException($"The {row.Kind} '{row.Id}' is encrypted with data key {row.KeyId}; {given}.", row.KeyId);
        }

        byte[] sealedBytes;
        try
        {
            sealedBytes = Convert.FromBase64String(row.Body);
        }
        catch (FormatException)
        {
            throw new EngineKeyException($"The {row.Kind} '{row.Id}' (data key {row.KeyId}) is not an encrypted body: it was altered.", row.KeyId);
        }

        if (sealedBytes.Length < NonceLength + TagLength)
        {
            throw new EngineKeyException($"The {row.Kind} '{row.Id}' (data key {row.KeyId}) is too short to be an encrypted body: it was altered.", row.KeyId);
        }

        var plain = new byte[sealedBytes.Length - NonceLength - TagLength];
        try
        {
            using var aes = new AesGcm(key.Material, TagLength);
            aes.Decrypt(sealedBytes.AsSpan(0, NonceLength), sealedBytes.AsSpan(NonceLength + TagLength), sealedBytes.AsSpan(NonceLength, TagLength), plain, AssociatedData(row.Kind, row.Id, row.Version));
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new EngineKeyException($"The {row.Kind} '{row.Id}' does not open with data key {row.KeyId}: it was altered or moved from another record or version.", row.KeyId);
        }

        return Encoding.UTF8.GetString(plain);
    }

    private static byte[] AssociatedData(string kind, string id, long version) =>
        Encoding.UTF8.GetBytes(Fields.Join("record-aad/1", kind, id, version.ToString(System.Globalization.CultureInfo.InvariantCulture)));
}
