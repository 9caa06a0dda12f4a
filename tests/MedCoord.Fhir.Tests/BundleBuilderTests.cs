using System.Security.Cryptography;
using System.Text;
using Hl7.Fhir.Model;
using Instant = NodaTime.Instant;
using Xunit;

namespace MedCoord.Fhir.Tests;

/// <summary>The engine bundle's stable ids: name-based UUIDs (RFC 9562 version 8 over SHA-256) of a resource type and key.</summary>
public sealed class BundleBuilderTests
{
    /// <summary>The UUID worked out here from RFC 9562: the hash's first 16 bytes, the version nibble 8 and the variant bits 10.</summary>
    private static string Expected(string type, string key)
    {
        var hex = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"medcoord/{type}/{key}")))[..32].ToCharArray();
        hex[12] = '8';
        hex[16] = "89ab"[Convert.ToInt32(hex[16].ToString(), 16) & 0x3];
        var s = new string(hex);
        return $"{s[..8]}-{s[8..12]}-{s[12..16]}-{s[16..20]}-{s[20..]}";
    }

    [Theory]
    [InlineData("Patient", "pat-a")]
    [InlineData("CarePlan", "plan-1")]
    [InlineData("Task", "relay/t-1")]
    [InlineData("Bundle", "")]
    public void UuidOf_IsTheVersion8UuidOfTheTypeAndKey(string type, string key)
    {
        Assert.Equal(Expected(type, key), BundleBuilder.UuidOf(type, key));
        Assert.Equal($"urn:uuid:{Expected(type, key)}", BundleBuilder.UrlOf(type, key));
        Assert.Equal($"urn:uuid:{Expected(type, key)}", BundleBuilder.Ref(type, key).Reference);
    }

    [Fact]
    public void UuidOf_AKnownKey_IsAFixedUuid_SoThatExportsStayStableAcrossVersions() =>
        Assert.Equal("b557a94e-78c3-88d2-a9fa-a960b4c5d7c6", BundleBuilder.UuidOf("Patient", "pat-a"));

    [Fact]
    public void Key_PrefixesEachPartWithItsLength_SoThatPartsThatRunTogetherDiffer()
    {
        Assert.Equal("3:a/b/1:c", BundleBuilder.Key("a/b", "c"));
        Assert.Equal("1:a/3:b/c", BundleBuilder.Key("a", "b/c"));
        Assert.Equal("0:", BundleBuilder.Key(string.Empty));
    }

    [Fact]
    public void Add_GivesTheResourceItsUuid_RefusesASecondOfTheSameTypeAndKey_AndBuildKeepsTheOrder()
    {
        var builder = new BundleBuilder();
        var patient = new Patient();
        var at = Instant.FromUtc(2026, 12, 3, 14, 5, 6);

        var reference = builder.Add(patient, "pat-a");
        builder.Add(new Basic(), "pat-a");
        builder.Add(new Patient(), "pat-b");

        Assert.Equal((Expected("Patient", "pat-a"), $"urn:uuid:{Expected("Patient", "pat-a")}"), (patient.Id, reference.Reference));
        Assert.True(builder.Has("Patient", "pat-a"));
        Assert.True(builder.Has("Basic", "pat-a"));
        Assert.False(builder.Has("Patient", "pat-c"));
        Assert.False(builder.Has("Basic", "pat-b"));
        var error = Assert.Throws<InvalidOperationException>(() => builder.Add(new Patient(), "pat-a"));
        Assert.Equal("The bundle already holds a Patient for 'pat-a'.", error.Message);

        var bundle = builder.Build(at);

        Assert.Equal(
            (Expected("Bundle", "2026-12-03T14:05:06Z"), Bundle.BundleType.Collection, new DateTimeOffset(2026, 12, 3, 14, 5, 6, TimeSpan.Zero)),
            (bundle.Id, bundle.Type!.Value, bundle.Timestamp!.Value));
        Assert.Equal(
            [$"urn:uuid:{Expected("Patient", "pat-a")}", $"urn:uuid:{Expected("Basic", "pat-a")}", $"urn:uuid:{Expected("Patient", "pat-b")}"],
            bundle.Entry.Select(e => e.FullUrl));
        Assert.Same(patient, bundle.Entry[0].Resource);
    }
}
