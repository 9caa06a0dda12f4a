using System.Security.Cryptography;
using System.Text;

namespace MedCoord.Engine.Storage;

/// <summary>
/// A 256-bit secret the host gives the engine: a data key (records encrypted at rest with AES-GCM) or an audit key (the
/// audit chain's HMAC-SHA256). Its <see cref="Id"/> is derived from the key, so it is stored beside what the key
/// protects and named in errors without revealing the key. Immutable and thread safe.
/// </summary>
public sealed class EngineKey
{
    /// <summary>The length of a key in bytes.</summary>
    public const int Length = 32;

    private readonly byte[] _material;

    private EngineKey(byte[] material)
    {
        _material = material;
        var digest = SHA256.HashData([.. "MedCoord key id/1\n"u8, .. material]);
        Id = Convert.ToHexStringLower(digest.AsSpan(0, 8));
    }

    /// <summary>Gets the key's id: 16 lower-case hex digits derived from the key (one-way).</summary>
    public string Id { get; }

    /// <summary>Gets the key's bytes (a copy is kept; callers never see it again).</summary>
    internal ReadOnlySpan<byte> Material => _material;

    /// <summary>A key from its 32 bytes.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The key.</returns>
    /// <exception cref="ArgumentException">The key is not 32 bytes long.</exception>
    public static EngineKey FromBytes(ReadOnlySpan<byte> key)
    {
        if (key.Length != Length)
        {
            throw new ArgumentException($"A key must be {Length} bytes, found {key.Length}.", nameof(key));
        }

        return new EngineKey(key.ToArray());
    }

    /// <summary>A key from its 32 bytes written in base64 (surrounding white space ignored).</summary>
    /// <param name="base64">The key in base64.</param>
    /// <returns>The key.</returns>
    /// <exception cref="FormatException">The text is not base64 of 32 bytes (the message never repeats the text).</exception>
    public static EngineKey FromBase64(string base64)
    {
        ArgumentNullException.ThrowIfNull(base64);
        var buffer = new byte[(base64.Length * 3 / 4) + 3];
        if (!Convert.TryFromBase64String(base64.Trim(), buffer, out var written))
        {
            throw new FormatException($"A key must be {Length} bytes written in base64; the text given is not base64.");
        }

        if (written != Length)
        {
            throw new FormatException($"A key must be {Length} bytes written in base64; the text given decodes to {written} bytes.");
        }

        return new EngineKey(buffer[..Length]);
    }

    /// <summary>The key's id.</summary>
    /// <returns>The id (never the key).</returns>
    public override string ToString() => $"key {Id}";

    internal byte[] Mac(string text) => HMACSHA256.HashData(_material, Encoding.UTF8.GetBytes(text));
}

/// <summary>
/// Thrown when stored data needs a key the engine was not given, or a key that does not open it: encrypted records whose
/// data key is missing or wrong, or an audit chain keyed with another audit key. The message names the key ids and the
/// record's kind and id, never its contents.
/// </summary>
public sealed class EngineKeyException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="keyId">The id of the key the data needs.</param>
    public EngineKeyException(string message, string keyId)
        : base(message)
    {
        KeyId = keyId;
    }

    /// <summary>Gets the id of the key the stored data needs.</summary>
    public string KeyId { get; }
}
