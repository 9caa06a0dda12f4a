using System.Security.Cryptography;
using System.Text;
using MedCoord.Engine.Storage;
using Xunit;

namespace MedCoord.Engine.Tests.Storage;

/// <summary>Keys, their ids, and record bodies sealed with AES-256-GCM: values computed by hand, every refusal named by record and key id.</summary>
public sealed class RecordProtectionTests
{
    private static readonly byte[] DataBytes = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];
    private static readonly EngineKey DataKey = EngineKey.FromBytes(DataBytes);
    private static readonly EngineKey AuditKey = EngineKey.FromBytes(Enumerable.Range(101, 32).Select(i => (byte)i).ToArray());
    private static readonly EngineKey ZeroKey = EngineKey.FromBytes(new byte[32]);

    /// <summary>Ids from Python: <c>sha256(b"MedCoord key id/1\n" + key).hexdigest()[:16]</c>.</summary>
    [Fact]
    public void Id_IsTheFirstEightBytesOfTheKeysDigest_InHex()
    {
        Assert.Equal("547c1367c46ca278", DataKey.Id);
        Assert.Equal("f6d59b68f284351c", AuditKey.Id);
        Assert.Equal("653e59b1967b8d7e", ZeroKey.Id);
        Assert.Equal("key 547c1367c46ca278", DataKey.ToString());
        Assert.Equal(DataBytes, DataKey.Material.ToArray());
    }

    [Fact]
    public void FromBytes_OnlyThirtyTwoBytes_AndTheCallersBufferIsCopied()
    {
        var bytes = (byte[])DataBytes.Clone();
        var key = EngineKey.FromBytes(bytes);
        bytes[0] = 99;

        var error = Assert.Throws<ArgumentException>(() => EngineKey.FromBytes(new byte[31]));

        Assert.Equal(DataKey.Id, key.Id);
        Assert.Equal(DataBytes, key.Material.ToArray());
        Assert.Equal(("A key must be 32 bytes, found 31. (Parameter 'key')", "key"), (error.Message, error.ParamName));
        Assert.Equal("A key must be 32 bytes, found 33. (Parameter 'key')", Assert.Throws<ArgumentException>(() => EngineKey.FromBytes(new byte[33])).Message);
    }

    [Theory]
    [InlineData("AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=")]
    [InlineData("  AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=\n")]
    [InlineData("\fAQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=\u00a0")]
    public void FromBase64_ThirtyTwoBytes_IsTheKey(string text)
    {
        Assert.Equal(DataKey.Id, EngineKey.FromBase64(text).Id);
        Assert.Throws<ArgumentNullException>(() => EngineKey.FromBase64(null!));
    }

    [Theory]
    [InlineData("not a key!", "A key must be 32 bytes written in base64; the text given is not base64.")]
    [InlineData("", "A key must be 32 bytes written in base64; the text given decodes to 0 bytes.")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAA==", "A key must be 32 bytes written in base64; the text given decodes to 16 bytes.")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "A key must be 32 bytes written in base64; the text given decodes to 33 bytes.")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "A key must be 32 bytes written in base64; the text given decodes to 48 bytes.")]
    public void FromBase64_AnythingElse_SaysWhatItIsWithoutRepeatingTheText(string text, string message)
    {
        Assert.Equal(message, Assert.Throws<FormatException>(() => EngineKey.FromBase64(text)).Message);
    }

    /// <summary>From Python: <c>hmac.new(key, text, sha256)</c>.</summary>
    [Fact]
    public void Mac_IsHmacSha256OfTheUtf8Text()
    {
        var text = "7:audit/2\n1:1\n20:2026-12-07T16:00:00Z\n6:desk-1\n7:consent\n9:consent-1\n13:Consent.Given\n6:v1:abc\n16:f6d59b68f284351c\n64:0000000000000000000000000000000000000000000000000000000000000000\n";

        Assert.Equal("bb410c9866b382cb50343f03d9fc6b29843dfb1e0449481129e2603341c85ab5", Convert.ToHexStringLower(AuditKey.Mac(text)));
    }

    [Fact]
    public void EngineKeyException_CarriesTheKeyIdAndMessage()
    {
        var error = new EngineKeyException("message", "547c1367c46ca278");

        Assert.Equal(("message", "547c1367c46ca278"), (error.Message, error.KeyId));
    }

    /// <summary>From Python: <c>sha256("8:record/1\n7:consent\n9:consent-1\n1:3\n{key id}\n7:{"x":1}\n")</c>.</summary>
    [Fact]
    public void Commitment_IsTheVersionAndTheSha256OfTheRowAsStored()
    {
        Assert.Equal("v3:26230e55427afd49ac55a15aeaf3d90b810ad3a254d137749a77598c4a28ce45", new RecordRow("consent", "consent-1", 3, null, """{"x":1}""").Commitment);
        Assert.Equal("v3:45cd387f9677ee3b6859741f1ca32769f1061d8a57f3ffb1ad4844d44ace6ccf", new RecordRow("consent", "consent-1", 3, "abc", """{"x":1}""").Commitment);
    }

    [Fact]
    public void Seal_WithoutAKey_StoresTheJsonInClear()
    {
        var row = new RecordProtection(null, [ZeroKey]).Seal("consent", "consent-1", 3, """{"x":1}""");

        Assert.Equal(new RecordRow("consent", "consent-1", 3, null, """{"x":1}"""), row);
        Assert.Equal(row, RecordProtection.Clear.Seal("consent", "consent-1", 3, """{"x":1}"""));
        Assert.Equal("""{"x":1}""", RecordProtection.Clear.Open(row));
    }

    /// <summary>The body is base64 of nonce (12) + tag (16) + ciphertext; it opens by hand with the associated data written out.</summary>
    [Fact]
    public void Seal_WithAKey_IsAesGcmUnderTheCurrentKeyBoundToKindIdAndVersion()
    {
        var protection = new RecordProtection(DataKey, [ZeroKey]);
        var json = """{"name":"Ann"}""";

        var row = protection.Seal("consent", "consent-1", 3, json);
        var again = protection.Seal("consent", "consent-1", 3, json);

        Assert.Equal(("consent", "consent-1", 3L, DataKey.Id), (row.Kind, row.Id, row.Version, row.KeyId));
        Assert.NotEqual(row.Body, again.Body);
        var bytes = Convert.FromBase64String(row.Body);
        Assert.Equal(12 + 16 + json.Length, bytes.Length);
        var plain = new byte[json.Length];
        using var aes = new AesGcm(DataBytes, 16);
        aes.Decrypt(bytes.AsSpan(0, 12), bytes.AsSpan(28), bytes.AsSpan(12, 16), plain, Encoding.UTF8.GetBytes("12:record-aad/1\n7:consent\n9:consent-1\n1:3\n"));
        Assert.Equal(json, Encoding.UTF8.GetString(plain));
        Assert.Equal(json, protection.Open(row));
        Assert.Equal(json, protection.Open(again));
    }

    [Fact]
    public void Open_AnEmptyBody_IsJustNonceAndTag()
    {
        var protection = new RecordProtection(DataKey);

        var row = protection.Seal("consent", "consent-1", 1, string.Empty);

        Assert.Equal(28, Convert.FromBase64String(row.Body).Length);
        Assert.Equal(string.Empty, protection.Open(row));
    }

    [Fact]
    public void Open_WithEveryKeyOfTheRing_ButNotWithoutIt()
    {
        var old = new RecordProtection(ZeroKey).Seal("visit", "visit-1", 2, "{}");
        var current = new RecordProtection(DataKey).Seal("visit", "visit-1", 2, "{}");
        var ring = new RecordProtection(DataKey, [ZeroKey]);

        var missing = Assert.Throws<EngineKeyException>(() => new RecordProtection(null).Open(current));
        var wrong = Assert.Throws<EngineKeyException>(() => new RecordProtection(AuditKey, [DataKey]).Open(old));

        Assert.Equal(("{}", "{}"), (ring.Open(old), ring.Open(current)));
        Assert.Equal(DataKey.Id, ring.Seal("visit", "visit-1", 3, "{}").KeyId);
        Assert.Equal(($"The visit 'visit-1' is encrypted with data key {DataKey.Id}; no data key was given.", DataKey.Id), (missing.Message, missing.KeyId));
        Assert.Equal(
            $"The visit 'visit-1' is encrypted with data key {ZeroKey.Id}; the data keys given are {DataKey.Id}, {AuditKey.Id}.",
            wrong.Message);
        Assert.Equal(ZeroKey.Id, wrong.KeyId);
    }

    [Theory]
    [InlineData("version", "The consent 'consent-1' does not open with data key 547c1367c46ca278: it was altered or moved from another record or version.")]
    [InlineData("id", "The consent 'consent-2' does not open with data key 547c1367c46ca278: it was altered or moved from another record or version.")]
    [InlineData("kind", "The visit 'consent-1' does not open with data key 547c1367c46ca278: it was altered or moved from another record or version.")]
    [InlineData("byte", "The consent 'consent-1' does not open with data key 547c1367c46ca278: it was altered or moved from another record or version.")]
    [InlineData("text", "The consent 'consent-1' (data key 547c1367c46ca278) is not an encrypted body: it was altered.")]
    [InlineData("short", "The consent 'consent-1' (data key 547c1367c46ca278) is too short to be an encrypted body: it was altered.")]
    public void Open_AnAlteredOrMovedBody_IsRefusedNamingTheRecordAndKey(string tamper, string message)
    {
        var protection = new RecordProtection(DataKey);
        var row = protection.Seal("consent", "consent-1", 3, """{"x":1}""");
        var bytes = Convert.FromBase64String(row.Body);
        bytes[^1] ^= 1;
        var altered = tamper switch
        {
            "version" => row with { Version = 4 },
            "id" => row with { Id = "consent-2" },
            "kind" => row with { Kind = "visit" },
            "byte" => row with { Body = Convert.ToBase64String(bytes) },
            "text" => row with { Body = """{"x":1}""" },
            _ => row with { Body = Convert.ToBase64String(new byte[27]) },
        };

        var error = Assert.Throws<EngineKeyException>(() => protection.Open(altered));

        Assert.Equal((message, DataKey.Id), (error.Message, error.KeyId));
    }
}
