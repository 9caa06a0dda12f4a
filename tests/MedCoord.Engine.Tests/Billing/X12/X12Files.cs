using MedCoord.Engine.Billing;
using MedCoord.Engine.Billing.X12;
using MedCoord.Scheduling.Validation;
using NodaTime;
using NodaTime.Testing;
using Xunit;

namespace MedCoord.Engine.Tests.Billing.X12;

/// <summary>The hand-written X12 files under TestData/x12 (written from the implementation guides, not by the project's writers), and the sample claims as submitted.</summary>
internal static class X12Files
{
    /// <summary>Names, member ids and dates of service in the sample claims and the files: none may reach an error.</summary>
    public static readonly string[] PatientData = ["RIVERA", "Rivera", "CHEN", "Chen", "ANA", "LEO", "MEI", "ACM123456789", "ACM987654321", "ACM98765432X", "20261207", "2026-12-07", "19680412", "20150930"];

    public static string Path(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "TestData", "x12", name);

    public static string Text(string name) => File.ReadAllText(Path(name));

    public static X12Interchange Read(string name) => ReadText(Text(name));

    public static X12Interchange ReadText(string text)
    {
        var (interchange, errors) = X12Reader.Read(text);
        Assert.Empty(errors);
        return interchange!;
    }

    /// <summary>One transaction set of <paramref name="set"/> in its functional group and interchange: the body starts at segment 4.</summary>
    public static X12Interchange Wrap(string functional, string set, params string[] body) =>
        ReadText("ISA*00*          *00*          *ZZ*ACMEHLTH       *ZZ*MEDCOORD01     *261208*0900*^*00501*000000201*0*P*:~\n"
            + $"GS*{functional}*ACMEHLTH*MEDCOORD01*20261208*0900*201*X~\nST*{set}*0001~\n" + string.Concat(body.Select(b => b + "~\n"))
            + $"SE*{body.Length + 2}*0001~\nGE*1*201~\nIEA*1*000000201~\n");

    public static FakeClock Clock() => new(Instant.FromUtc(2026, 12, 16, 9, 0));

    /// <summary>The sample claims, as sent in an 837P.</summary>
    public static IReadOnlyList<Claim> Submitted() => [.. ClaimTests.Sample().Claims.Select(c => c with { Status = ClaimStatus.Submitted })];

    public static void NoPatientData(IEnumerable<ValidationError> errors)
    {
        foreach (var error in errors)
        {
            foreach (var data in PatientData)
            {
                Assert.DoesNotContain(data, error.ToString(), StringComparison.Ordinal);
            }
        }
    }
}
