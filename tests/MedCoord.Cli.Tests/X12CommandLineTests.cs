using System.Text.Json.Nodes;
using static MedCoord.Cli.Tests.CliTestData;

namespace MedCoord.Cli.Tests;

/// <summary>
/// <c>eligibility</c>, <c>ack</c> and <c>remit</c> on hand-written X12 files for the sample claims: exit codes, the files
/// written (or not), errors that name the segment and never a patient's data.
/// </summary>
public sealed class X12CommandLineTests : IDisposable
{
    private static readonly string[] PatientData = ["RIVERA", "Rivera", "CHEN", "Chen", "ACM123456789", "ACM987654321", "20261207", "2026-12-07"];

    private readonly string _dir = Directory.CreateTempSubdirectory("medcoord-x12-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Task<(int Code, string Out, string Err)> Run(params string[] args) => ConsoleRun.Run(args);

    private static string X12(string name) => TestData(Path.Combine("x12", name));

    private string Temp(string name) => Path.Combine(_dir, name);

    private static void NoPatientData(string text) => Assert.All(PatientData, data => Assert.DoesNotContain(data, text, StringComparison.Ordinal));

    [Fact]
    public async Task Remit_Paid835_WritesThePostingPerClaimAndLine()
    {
        var posting = Temp("posting.json");

        var (code, stdout, stderr) = await Run("remit", X12("paid.835"), "--claims", TestData("claims.json"), "--out", posting);

        Assert.Equal((0, string.Empty), (code, stderr));
        Assert.Contains("claim CLM-2026-0001: PartiallyPaid, paid 140.00, allowed 170.00, patient responsibility 30.00", stdout);
        Assert.Contains("claim CLM-2026-0002: Paid, paid 35.80, allowed 107.00, patient responsibility 71.20", stdout);
        var json = JsonNode.Parse(File.ReadAllText(posting))!;
        var claims = json["claims"]!.AsArray();
        Assert.Equal(["CLM-2026-0001", "CLM-2026-0002"], claims.Select(c => (string)c!["id"]!));
        var second = claims[1]!;
        Assert.Equal(("Paid", true, 35.8m, 107m, 71.2m), ((string)second["status"]!, (bool)second["posted"]!, (decimal)second["paid"]!, (decimal)second["allowed"]!, (decimal)second["patientResponsibility"]!));
        var line = second["lines"]![0]!;
        Assert.Equal((1, "99213", 25m, 95m, 70m), ((int)line["line"]!, (string)line["procedureCode"]!, (decimal)line["paid"]!, (decimal)line["allowed"]!, (decimal)line["patientResponsibility"]!));
        Assert.Equal([("CO", "45", 25m), ("PR", "1", 70m)], line["adjustments"]!.AsArray().Select(a => ((string)a!["group"]!, (string)a["reason"]!, (decimal)a["amount"]!)));
        Assert.Equal(["N620"], claims[0]!["lines"]![2]!["remarkCodes"]!.AsArray().Select(r => (string)r!));
        Assert.Equal(10m, (decimal)json["remittances"]![0]!["providerAdjustments"]![0]!["amount"]!);
        Assert.Equal((165.8m, "C"), ((decimal)json["remittances"]![0]!["totalPaid"]!, (string)json["remittances"]![0]!["creditDebit"]!));
    }

    [Fact]
    public async Task Remit_ReversalAndCorrection_PrintsTheNetAndEachClaimPayment()
    {
        var posting = Temp("reversal.json");

        var (code, stdout, stderr) = await Run("remit", X12("reversal.835"), "--claims", TestData("claims.json"), "--out", posting);

        Assert.Equal((0, string.Empty), (code, stderr));
        Assert.Contains("claim CLM-2026-0002: Paid, paid 25.00, allowed 25.00, patient responsibility 0.00 (net of 2 claim payments: CLP02 22 paid -35.80, CLP02 1 paid 60.80)", stdout);
        var claim = JsonNode.Parse(File.ReadAllText(posting))!["claims"]!.AsArray().Single()!;
        Assert.Equal(("Paid", 25m), ((string)claim["status"]!, (decimal)claim["paid"]!));
    }

    [Fact]
    public async Task Remit_SameFileTwiceWithDatabase_PostsNothingTheSecondTime()
    {
        var db = Temp("engine.db");

        var first = await Run("remit", X12("paid.835"), "--claims", TestData("claims.json"), "--db", db, "--out", Temp("first.json"));
        var second = await Run("remit", X12("paid.835"), "--claims", TestData("claims.json"), "--db", db, "--out", Temp("second.json"));

        Assert.Equal((0, string.Empty), (first.Code, first.Err));
        Assert.Equal((0, string.Empty), (second.Code, second.Err));
        Assert.Contains("posting written to", second.Out);
        Assert.Contains("0 claims posted, 2 already posted", second.Out);
        Assert.Contains("claim CLM-2026-0002: Paid; this remittance was already posted, nothing posted again", second.Out);
        var claims = JsonNode.Parse(File.ReadAllText(Temp("second.json")))!["claims"]!.AsArray();
        Assert.All(claims, c => Assert.False((bool)c!["posted"]!));
        Assert.Equal(["PartiallyPaid", "Paid"], claims.Select(c => (string)c!["status"]!));
    }

    [Theory]
    [InlineData("unbalanced.835", "segment 4 (BPR): the file does not balance: BPR02 is 175.80, but the claims pay 175.80 and the provider adjustments (PLB) take 10.00, which makes 165.80")]
    [InlineData("bad-number.835", "segment 29 (CLP): CLP04 is not a number")]
    [InlineData("unknown-claim.835", "segment 29 (CLP): CLP01 names claim 'CLM-2026-9999', which is not among the claims")]
    [InlineData("missing-se.835", "segment 3 (ST): transaction set 0001 has no SE trailer")]
    [InlineData("count-mismatch.835", "segment 42 (SE): SE01 says '38'; the transaction set has 40 segments, ST and SE included")]
    [InlineData("bad-isa-width.835", "segment 1 (ISA): ISA06 is 14 characters; the ISA is fixed-width and ISA06 must be 15")]
    [InlineData("accepted.999", "segment 3 (ST): is transaction set 999; expected a remittance (835)")]
    public async Task Remit_BadFile_ExitsTwoNamingTheSegmentAndWritesNothing(string file, string expected)
    {
        var posting = Temp("posting.json");
        var db = Temp("engine.db");

        var (code, stdout, stderr) = await Run("remit", X12(file), "--claims", TestData("claims.json"), "--db", db, "--out", posting);

        Assert.Equal(2, code);
        Assert.Equal($"{X12(file)}: {expected}{Environment.NewLine}", stderr);
        Assert.False(File.Exists(posting));
        Assert.False(File.Exists(db));
        NoPatientData(stderr + stdout);
    }

    [Fact]
    public async Task Remit_NoSuchFile_ExitsTwo()
    {
        var (code, _, stderr) = await Run("remit", Temp("none.835"), "--claims", TestData("claims.json"), "--out", Temp("posting.json"));

        Assert.Equal(2, code);
        Assert.Equal($"{Temp("none.835")}: no such file{Environment.NewLine}", stderr);
    }

    [Fact]
    public async Task Remit_FolderGivenForAFile_SaysItIsAFolder()
    {
        var folder = Temp("in.835");
        Directory.CreateDirectory(folder);

        var (code, _, stderr) = await Run("remit", folder, "--claims", TestData("claims.json"), "--out", Temp("posting.json"));
        var (claimsCode, _, claimsError) = await Run("ack", X12("accepted.999"), "--claims", folder);

        Assert.Equal((2, $"{folder}: cannot read the X12 file (it is a directory){Environment.NewLine}"), (code, stderr));
        Assert.Equal(2, claimsCode);
        Assert.StartsWith($"{folder}: cannot read the claim file (it is a directory)", claimsError, StringComparison.Ordinal);
        Assert.False(File.Exists(Temp("posting.json")));
    }

    [Fact]
    public async Task Remit_ClaimIdsNotUnique_ExitsTwo()
    {
        var claims = Temp("claims.json");
        File.WriteAllText(claims, File.ReadAllText(TestData("claims.json")).Replace("\"CLM-2026-0002\"", "\"CLM-2026-0001\"", StringComparison.Ordinal));

        var (code, _, stderr) = await Run("remit", X12("paid.835"), "--claims", claims, "--out", Temp("posting.json"));

        Assert.Equal(2, code);
        Assert.Equal($"{claims}: claims: id 'CLM-2026-0001' is used by 2 claims{Environment.NewLine}", stderr);
    }

    [Fact]
    public async Task Ack_999Accepted_MovesEveryClaimToAccepted()
    {
        var (code, stdout, stderr) = await Run("ack", X12("accepted.999"), "--claims", TestData("claims.json"));

        Assert.Equal((0, string.Empty), (code, stderr));
        Assert.Contains("claim CLM-2026-0001: Accepted: 999 set 0042 IK5 A; AK9 A 1/1/1", stdout);
        Assert.Contains("claim CLM-2026-0002: Accepted: 999 set 0042 IK5 A; AK9 A 1/1/1", stdout);
    }

    [Fact]
    public async Task Ack_999Then277CAWithDatabase_KeepsTheAcceptedAndRejectsTheOther()
    {
        var db = Temp("engine.db");

        var first = await Run("ack", X12("accepted.999"), "--claims", TestData("claims.json"), "--db", db);
        var second = await Run("ack", X12("claims.277"), "--claims", TestData("claims.json"), "--db", db);

        Assert.Equal((0, string.Empty), (first.Code, first.Err));
        Assert.Equal((0, string.Empty), (second.Code, second.Err));
        Assert.Contains("claim CLM-2026-0001: Accepted (unchanged): 277CA STC A2:20:PR, payer claim ACM2026120001", second.Out);
        Assert.Contains("claim CLM-2026-0002: Rejected: 277CA STC A7:164:IL; line A4550 STC A7:453", second.Out);
    }

    [Fact]
    public async Task AckAndRemit_WithKeyFiles_WriteEncryptedKeyedRecordsThatVerifyOnlyWithThoseKeys()
    {
        var db = Temp("keyed.db");
        var (dataKey, auditKey) = (Temp("data.key"), Temp("audit.key"));
        await File.WriteAllTextAsync(dataKey, Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray()));
        await File.WriteAllTextAsync(auditKey, Convert.ToBase64String(Enumerable.Range(101, 32).Select(i => (byte)i).ToArray()));

        var ack = await Run("ack", X12("accepted.999"), "--claims", TestData("claims.json"), "--db", db, "--data-key-file", dataKey, "--audit-key-file", auditKey);
        var remit = await Run("remit", X12("paid.835"), "--claims", TestData("claims.json"), "--db", db, "--data-key-file", dataKey, "--audit-key-file", auditKey, "--out", Temp("posting.json"));
        var verified = await Run("audit", "verify", "--db", db, "--data-key-file", dataKey, "--audit-key-file", auditKey);
        var withoutData = await Run("audit", "verify", "--db", db, "--audit-key-file", auditKey, "--data-key-file", auditKey);

        Assert.Equal((0, string.Empty), (ack.Code, ack.Err));
        Assert.Equal((0, string.Empty), (remit.Code, remit.Err));
        Assert.Equal(0, verified.Code);
        Assert.Contains("keyed entries checked with the audit key", verified.Out);
        Assert.Contains("encrypted records open with the data key", verified.Out);
        Assert.Equal(2, withoutData.Code);
        Assert.DoesNotContain("Rivera", await File.ReadAllTextAsync(db, System.Text.Encoding.Latin1), StringComparison.Ordinal); // the patient's name is in no record in clear
    }

    [Theory]
    [InlineData("text", "it is not a SQLite database")]
    [InlineData("foreign", "it is not a MedCoord engine database (it holds another application's tables)")]
    public async Task AckAndRemit_ADatabaseThatIsNotTheEngines_AreRefusedAndLeftAsTheyWere(string kind, string why)
    {
        var db = Temp("other.db");
        if (kind == "text")
        {
            await File.WriteAllTextAsync(db, "appointments, not a database\n");
        }
        else
        {
            using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={db};Pooling=False");
            connection.Open();
            using var create = connection.CreateCommand();
            create.CommandText = "CREATE TABLE patients (id TEXT)";
            create.ExecuteNonQuery();
        }

        var before = await File.ReadAllBytesAsync(db);

        var ack = await Run("ack", X12("accepted.999"), "--claims", TestData("claims.json"), "--db", db);
        var remit = await Run("remit", X12("paid.835"), "--claims", TestData("claims.json"), "--db", db, "--out", Temp("posting.json"));

        Assert.Equal((2, $"--db: cannot open '{db}': {why}"), (ack.Code, ack.Err.Trim()));
        Assert.Equal((2, $"--db: cannot open '{db}': {why}"), (remit.Code, remit.Err.Trim()));
        Assert.Equal(before, await File.ReadAllBytesAsync(db));
        Assert.False(File.Exists(Temp("posting.json")));
    }

    [Fact]
    public async Task Ack_Rejected999_NamesTheCodesNeverTheBadData()
    {
        var (code, stdout, stderr) = await Run("ack", X12("rejected.999"), "--claims", TestData("claims.json"));

        Assert.Equal((0, string.Empty), (code, stderr));
        Assert.Contains("claim CLM-2026-0002: Rejected: 999 set 0042 IK5 R (I5); IK3 N3 at 23 in loop 2010 I4 implementation not-used segment present", stdout);
        Assert.DoesNotContain("ACM98765432X", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("other-group.999", "segment 4 (AK1): acknowledges functional group HC 43; the claims were sent as group HC 42")]
    [InlineData("paid.835", "segment 3 (ST): is transaction set 835; expected a 999 or a 277 (277CA)")]
    [InlineData("wrong-delimiters.835", "segment 2: does not start with a segment id (2 or 3 upper-case letters or digits followed by the element separator '*'); are the delimiters the ISA declares the ones the file uses?")]
    public async Task Ack_BadFile_ExitsTwoNamingTheSegment(string file, string expected)
    {
        var (code, _, stderr) = await Run("ack", X12(file), "--claims", TestData("claims.json"));

        Assert.Equal(2, code);
        Assert.Equal($"{X12(file)}: {expected}{Environment.NewLine}", stderr);
    }

    [Fact]
    public async Task EligibilityRequest_WritesThe270()
    {
        var outPath = Temp("inquiry.270");

        var (code, stdout, stderr) = await Run("eligibility", "request", X12("eligibility-request.json"), "--x12", outPath);

        Assert.Equal((0, string.Empty), (code, stderr));
        Assert.Contains("270 written to", stdout);
        // Everything but the creation date and time is the hand-written inquiry.
        static IEnumerable<string> Stable(string x12) => x12.Split("~\n").Where(s => !s.StartsWith("ISA", StringComparison.Ordinal) && !s.StartsWith("GS", StringComparison.Ordinal) && !s.StartsWith("BHT", StringComparison.Ordinal));
        Assert.Equal(Stable(File.ReadAllText(X12("dependent-inquiry.270"))), Stable(File.ReadAllText(outPath)));
    }

    [Fact]
    public async Task EligibilityRequest_BadRequest_ExitsTwoNamingThePath()
    {
        var bad = Temp("request.json");
        File.WriteAllText(bad, File.ReadAllText(X12("eligibility-request.json")).Replace("\"1234567893\"", "\"1234567890\"", StringComparison.Ordinal));
        var outPath = Temp("inquiry.270");

        var (code, _, stderr) = await Run("eligibility", "request", bad, "--x12", outPath);

        Assert.Equal(2, code);
        Assert.Equal($"{bad}: provider.npi: '1234567890' is not a valid NPI (ten digits with a Luhn check digit){Environment.NewLine}", stderr);
        Assert.False(File.Exists(outPath));
    }

    [Fact]
    public async Task EligibilityRead_Benefits_PrintsAndWritesTheBenefits()
    {
        var outPath = Temp("coverage.json");

        var (code, stdout, stderr) = await Run("eligibility", "read", X12("benefits.271"), "--out", outPath);

        Assert.Equal((0, string.Empty), (code, stderr));
        Assert.Contains("coverage cov-a: active; deductible 1000.00 (150.00 left), out-of-pocket maximum 4000.00 (2650.00 left), coinsurance 20 %, copays lab 0.00, office-visit 30.00, urgent-care 75.00", stdout);
        Assert.Contains("prior authorisation required: 93306, ST:MH", stdout);
        NoPatientData(stdout);
        var response = JsonNode.Parse(File.ReadAllText(outPath))!["responses"]![0]!;
        Assert.Equal((1000m, 850m), ((decimal)response["benefits"]!["deductible"]!["amount"]!, (decimal)response["benefits"]!["deductible"]!["met"]!));
        Assert.Equal(150m, (decimal)response["benefits"]!["deductible"]!["remaining"]!);
        Assert.Equal((4000m, 1350m, 2650m), ((decimal)response["benefits"]!["outOfPocketMaximum"]!["amount"]!, (decimal)response["benefits"]!["outOfPocketMaximum"]!["met"]!,
            (decimal)response["benefits"]!["outOfPocketMaximum"]!["remaining"]!));
        Assert.Equal(20m, (decimal)response["benefits"]!["coinsurancePercent"]!);
        Assert.Equal("2026-12-31", (string)response["planEnd"]!);
        Assert.Empty(response["warnings"]!.AsArray());
        Assert.DoesNotContain("warning", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EligibilityRead_NotStatedAndInconsistent_WritesNullsAndWarnings()
    {
        var outPath = Temp("coverage.json");

        var (code, stdout, stderr) = await Run("eligibility", "read", X12("inconsistent-benefits.271"), "--out", outPath);

        Assert.Equal((0, string.Empty), (code, stderr));
        var nl = Environment.NewLine;
        Assert.Equal(
            $"coverage cov-d: active; deductible 500.00 (800.00 left), out-of-pocket maximum 4000.00 (0.00 left), coinsurance not stated, copays none stated{nl}"
            + $"  warning: segment 17 (EB): deductible remaining 800.00 is more than the amount 500.00 (segment 15); met taken as 0{nl}"
            + $"  warning: segment 18 (EB): out-of-pocket maximum met 4500.00 is more than the amount 4000.00 (segment 16); remaining taken as 0{nl}"
            + $"coverage cov-d (dependent): active; deductible not stated (150.00 left), out-of-pocket maximum not stated, coinsurance not stated, copays none stated{nl}",
            stdout);
        NoPatientData(stdout);
        var text = File.ReadAllText(outPath);
        NoPatientData(text);
        var responses = JsonNode.Parse(text)!["responses"]!.AsArray();
        static string Part(JsonNode? benefits, string name) =>
            string.Join("|", new[] { "amount", "met", "remaining" }.Select(p => benefits![name]!.AsObject().TryGetPropertyValue(p, out var v) ? v?.ToJsonString() ?? "null" : "absent"));
        var subscriber = responses[0]!["benefits"];
        Assert.Equal(("500|0|800", "4000|4500|0"), (Part(subscriber, "deductible"), Part(subscriber, "outOfPocketMaximum")));
        Assert.Equal(
        [
            "segment 17 (EB): deductible remaining 800.00 is more than the amount 500.00 (segment 15); met taken as 0",
            "segment 18 (EB): out-of-pocket maximum met 4500.00 is more than the amount 4000.00 (segment 16); remaining taken as 0",
        ], responses[0]!["warnings"]!.AsArray().Select(w => (string)w!));
        var dependent = responses[1]!["benefits"]!;
        Assert.Equal(("null|null|150", "null|null|null"), (Part(dependent, "deductible"), Part(dependent, "outOfPocketMaximum")));
        Assert.True(dependent.AsObject().TryGetPropertyValue("coinsurancePercent", out var coinsurance));
        Assert.Null(coinsurance);
        Assert.Empty(dependent["copays"]!.AsObject());
        Assert.Empty(dependent["priorAuthorization"]!.AsArray());
        Assert.Empty(responses[1]!["warnings"]!.AsArray());
    }

    [Fact]
    public async Task EligibilityRead_Rejections_AreReportedByTheirCodes()
    {
        var (code, stdout, stderr) = await Run("eligibility", "read", X12("inactive-rejected.271"));

        Assert.Equal((0, string.Empty), (code, stderr));
        Assert.Contains("coverage cov-c (dependent): inactive", stdout);
        Assert.Contains("  rejected: AAA 72 (invalid/missing subscriber/insured id) in loop 2100C, follow-up C", stdout);
        NoPatientData(stdout);
    }

    [Fact]
    public async Task EligibilityRead_Malformed_ExitsTwoNamingTheSegment()
    {
        var bad = Temp("bad.271");
        File.WriteAllText(bad, File.ReadAllText(X12("benefits.271")).Replace("EB*A*IND*30***27**.2****Y", "EB*A*IND*30***27**20****Y", StringComparison.Ordinal));

        var (code, _, stderr) = await Run("eligibility", "read", bad, "--out", Temp("coverage.json"));

        Assert.Equal(2, code);
        Assert.Equal($"{bad}: segment 24 (EB): EB08 is a fraction from 0 to 1 (0.2 is 20 percent){Environment.NewLine}", stderr);
        Assert.False(File.Exists(Temp("coverage.json")));
    }
}
