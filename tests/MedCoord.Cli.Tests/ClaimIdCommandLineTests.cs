using System.Text;
using static MedCoord.Cli.Tests.ConsoleRun;
using static MedCoord.Cli.Tests.CliTestData;

namespace MedCoord.Cli.Tests;

/// <summary>
/// <c>medcoord claim</c> refuses a claim id with a space at either end (the 837P would trim it and the payer's answers
/// would not match), and names the JSON path of a structural problem: an unknown field, every missing field.
/// </summary>
public sealed class ClaimIdCommandLineTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("medcoord-claim-id-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("\" CLM-2026-0003\"")]
    [InlineData("\"CLM-2026-0003 \"")]
    public async Task Claim_IdWithASpaceAtAnEnd_ExitsTwoNamingThePath(string id)
    {
        var sample = File.ReadAllText(TestData("claims.json"));
        Assert.Contains("\"CLM-2026-0003\"", sample);
        var claims = Path.Combine(_dir, "claims.json");
        File.WriteAllText(claims, sample.Replace("\"CLM-2026-0003\"", id, StringComparison.Ordinal), Encoding.UTF8);
        var output = Path.Combine(_dir, "out.837");

        var (code, stdout, stderr) = await Run("claim", claims, "--x12", output);

        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.Equal($"{claims}: claims[2].id: must not begin or end with a space: the 837P trims CLM01, and the payer's 999, 277CA and 835 would not match the claim{Environment.NewLine}", stderr);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public async Task Claim_UnknownField_ExitsTwoNamingItsPathNotItsValue()
    {
        var sample = File.ReadAllText(TestData("claims.json"));
        Assert.Contains("\"id\": \"CLM-2026-0003\",", sample);
        var claims = Path.Combine(_dir, "claims.json");
        File.WriteAllText(claims, sample.Replace("\"id\": \"CLM-2026-0003\",", "\"id\": \"CLM-2026-0003\", \"memo\": \"Rosalind Quillfeather\",", StringComparison.Ordinal), Encoding.UTF8);
        var output = Path.Combine(_dir, "out.837");

        var (code, stdout, stderr) = await Run("claim", claims, "--x12", output);

        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.Equal($"{claims}: claims[2].memo: unknown field 'memo' (see docs/claim-format.md){Environment.NewLine}", stderr);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public async Task Claim_ClaimWithOnlyAnId_ExitsTwoListingEveryMissingField()
    {
        var claims = Path.Combine(_dir, "claims.json");
        File.WriteAllText(claims, """
            { "formatVersion": 1,
              "envelope": { "senderId": "MEDCOORD01", "senderName": "Riverside", "contactName": "Billing", "contactPhone": "3035550100", "receiverId": "ACMEHLTH", "receiverName": "Acme", "controlNumber": 9, "production": true },
              "claims": [ { "id": "C-1" } ] }
            """, Encoding.UTF8);
        var output = Path.Combine(_dir, "out.837");

        var (code, _, stderr) = await Run("claim", claims, "--x12", output);

        Assert.Equal(2, code);
        Assert.Equal($"{claims}: claims[0]: required fields are missing: 'visitId', 'patient', 'coverage', 'billingProvider', 'diagnoses', 'lines'{Environment.NewLine}", stderr);
        Assert.False(File.Exists(output));
    }
}
