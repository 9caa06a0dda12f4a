using System.Text.Json;
using static MedCoord.Cli.Tests.CliTestData;
using static MedCoord.Cli.Tests.ConsoleRun;

namespace MedCoord.Cli.Tests;

/// <summary>
/// <c>medcoord fhir records</c>: an EHR's bundle (written by hand, tests/MedCoord.Fhir.Tests/TestData) stored in an
/// engine database all or none; bad bundles and refused records exit 2 naming each fault, store nothing, and leave no
/// database behind that the command created; patient data never reaches the console.
/// </summary>
public sealed class FhirRecordsCommandLineTests(DemoDatabase demo) : IClassFixture<DemoDatabase>
{
    private string NewPath(string name) => Path.Combine(demo.Dir, $"{name}-{Guid.NewGuid():N}");

    private Task<(int Code, string Out, string Err)> Store(string bundle, string db) =>
        Run("fhir", "records", bundle, "--db", db, "--data-key-file", demo.DataKeyFile, "--audit-key-file", demo.AuditKeyFile);

    [Fact]
    public async Task Records_AnEhrBundle_IsStoredOnce_AndASecondImportIsRefusedWhole()
    {
        var db = NewPath("records") + ".db";

        var (code, stdout, stderr) = await Store(TestData("ehr-coordination-bundle.json"), db);

        Assert.Equal((0, string.Empty), (code, stderr));
        Assert.Equal($"stored 4 records: 1 care plans, 1 referrals, 1 consents, 1 intake responses; {db}", stdout.Trim());
        var output = NewPath("bundle") + ".json";
        Assert.Equal(0, (await Run("fhir", "engine", "--db", db, "--out", output, "--data-key-file", demo.DataKeyFile, "--audit-key-file", demo.AuditKeyFile)).Code);
        using (var json = JsonDocument.Parse(await File.ReadAllTextAsync(output)))
        {
            var resources = json.RootElement.GetProperty("entry").EnumerateArray().Select(e => e.GetProperty("resource")).ToList();
            var plan = resources.Single(r => r.GetProperty("resourceType").GetString() == "CarePlan");
            Assert.Equal(("cp-100", "active"), (plan.GetProperty("identifier")[0].GetProperty("value").GetString(), plan.GetProperty("status").GetString()));
            Assert.Equal(3, plan.GetProperty("activity").GetArrayLength());
            var audits = resources.Where(r => r.GetProperty("resourceType").GetString() == "AuditEvent").ToList();
            Assert.Equal(6, audits.Count(a => a.GetProperty("agent")[0].GetProperty("who").GetProperty("identifier").GetProperty("value").GetString() == FhirRecordsCommand.Actor));
        }

        var before = await File.ReadAllBytesAsync(db);
        var (again, againOut, againErr) = await Store(TestData("ehr-coordination-bundle.json"), db);

        Assert.Equal((2, string.Empty), (again, againOut));
        Assert.Equal(
            ["--db: carePlans[0].id: care plan 'cp-100' is already stored", "--db: referrals[0].id: referral 'REF-9' is already stored"],
            againErr.TrimEnd().Split(Environment.NewLine));
        Assert.Equal(before, await File.ReadAllBytesAsync(db));
        Assert.DoesNotContain("Okafor", stdout + stderr + againErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Records_ABadBundle_ExitsTwoNamingEachFault_AndCreatesNoDatabase()
    {
        var text = await File.ReadAllTextAsync(TestData("ehr-coordination-bundle.json"));
        var bad = NewPath("bad") + ".json";
        await File.WriteAllTextAsync(bad, text.Replace("\"status\": \"not-started\",\n              \"scheduledTiming\"", "\"status\": \"in-progress\",\n              \"scheduledTiming\"", StringComparison.Ordinal)
            .Replace("\"dateTime\": \"2026-12-01T09:30:00-05:00\"", "\"dateTime\": \"2026-12-01\"", StringComparison.Ordinal));
        var notUtf8 = NewPath("latin1") + ".json";
        await File.WriteAllBytesAsync(notUtf8, [.. "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"id\":\"M"u8, 0xE9, .. "\"}"u8]);
        var db = NewPath("none") + ".db";

        var (code, stdout, stderr) = await Store(bad, db);
        var (utf8, _, utf8Err) = await Store(notUtf8, db);
        var (missing, _, missingErr) = await Store(NewPath("absent") + ".json", db);
        var (noDir, _, noDirErr) = await Store(TestData("ehr-coordination-bundle.json"), Path.Combine(demo.Dir, "no-such-dir", "e.db"));

        Assert.Equal((2, 2, 2, 2), (code, utf8, missing, noDir));
        Assert.Equal(string.Empty, stdout);
        Assert.Equal(
            [
                "entry[2].resource.activity[2].detail.status: activity 'activity-3': only not-started activities (and those over: completed, cancelled, stopped, entered-in-error) are taken in, found in-progress; the engine books what is scheduled itself",
                "entry[4].resource.dateTime: consent 'CON-5' given: not a date-time with a time and an offset",
            ],
            stderr.TrimEnd().Split(Environment.NewLine));
        Assert.Equal("$: invalid UTF-8 at byte offset 52 (the file must be UTF-8)", utf8Err.Trim());
        Assert.Contains("bundle", missingErr, StringComparison.Ordinal);
        Assert.StartsWith($"--db: cannot write '{Path.Combine(demo.Dir, "no-such-dir", "e.db")}'", noDirErr, StringComparison.Ordinal);
        Assert.False(File.Exists(db));
    }

    [Fact]
    public async Task Records_ABundleTheEngineRefuses_LeavesNoDatabaseItCreated()
    {
        // Read fine, refused by the engine: the same consent twice.
        var text = await File.ReadAllTextAsync(TestData("ehr-coordination-bundle.json"));
        var consent = text[text.IndexOf("    {\n      \"fullUrl\": \"http://hospital.example.org/fhir/Consent/con-5\"", StringComparison.Ordinal)..text.IndexOf("    {\n      \"fullUrl\": \"http://hospital.example.org/fhir/QuestionnaireResponse", StringComparison.Ordinal)];
        var twice = NewPath("twice") + ".json";
        await File.WriteAllTextAsync(twice, text.Replace(consent, consent + consent.Replace("Consent/con-5", "Consent/con-6", StringComparison.Ordinal).Replace("\"id\": \"con-5\"", "\"id\": \"con-6\"", StringComparison.Ordinal), StringComparison.Ordinal));
        var db = NewPath("fresh") + ".db";

        var (code, stdout, stderr) = await Store(twice, db);

        Assert.Equal((2, string.Empty), (code, stdout));
        Assert.Equal("--db: consents[1].id: consent 'CON-5' is given twice", stderr.Trim());
        Assert.Empty(Directory.GetFiles(demo.Dir, Path.GetFileName(db) + "*"));
    }

    [Fact]
    public async Task Records_AnExistingFileThatIsNotAnEngineDatabase_IsRefused_AndLeftAsItWas()
    {
        var notDb = NewPath("text") + ".db";
        await File.WriteAllTextAsync(notDb, "hello");

        var (code, _, stderr) = await Store(TestData("ehr-coordination-bundle.json"), notDb);

        Assert.Equal(2, code);
        Assert.StartsWith($"--db: cannot store in '{notDb}': ", stderr, StringComparison.Ordinal);
        Assert.Equal("hello", await File.ReadAllTextAsync(notDb));
    }
}

/// <summary><c>medcoord fhir profiles</c>: one StructureDefinition file per extension, or a clear refusal.</summary>
public sealed class FhirProfilesCommandLineTests
{
    [Fact]
    public async Task Profiles_WritesOneStructureDefinitionPerExtension()
    {
        var dir = Directory.CreateTempSubdirectory("medcoord-profiles-").FullName;
        try
        {
            var (code, stdout, stderr) = await Run("fhir", "profiles", "--out", dir);

            Assert.Equal((0, string.Empty), (code, stderr));
            var files = Directory.GetFiles(dir, "*.json").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(MedCoord.Fhir.MedCoordProfiles.Urls.Select(u => u[(u.LastIndexOf('/') + 1)..] + ".json").Order(StringComparer.Ordinal), files);
            using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dir, "follows.json")));
            Assert.Equal(("StructureDefinition", "https://medcoord.dev/fhir/StructureDefinition/follows", "Extension"),
                (json.RootElement.GetProperty("resourceType").GetString(), json.RootElement.GetProperty("url").GetString(), json.RootElement.GetProperty("type").GetString()));
            Assert.Equal($"{files.Count} StructureDefinitions written to {dir}", stdout.Trim());

            var text = await File.ReadAllTextAsync(Path.Combine(dir, "capacity.json"));
            Assert.StartsWith("{\n  \"resourceType\": \"StructureDefinition\",", text.ReplaceLineEndings("\n"), StringComparison.Ordinal);
            Assert.EndsWith("}\n", text, StringComparison.Ordinal);

            var (missing, _, missingErr) = await Run("fhir", "profiles", "--out", Path.Combine(dir, "nope"));
            Assert.Equal((2, $"--out: no directory at {Path.Combine(dir, "nope")}"), (missing, missingErr.Trim()));

            File.Delete(Path.Combine(dir, "follows.json"));
            Directory.CreateDirectory(Path.Combine(dir, "follows.json"));
            File.Delete(Path.Combine(dir, "capacity.json"));
            var (taken, takenOut, takenErr) = await Run("fhir", "profiles", "--out", dir);
            Assert.Equal((2, string.Empty), (taken, takenOut));
            Assert.Equal([$"--out: cannot write '{Path.Combine(dir, "follows.json")}': it is a directory"], takenErr.TrimEnd().Split(Environment.NewLine));
            Assert.False(File.Exists(Path.Combine(dir, "capacity.json")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
