using System.Text.Json;
using static MedCoord.Cli.Tests.CliTestData;
using static MedCoord.Cli.Tests.ConsoleRun;

namespace MedCoord.Cli.Tests;

/// <summary>
/// <c>medcoord fhir engine</c> on a database written by <c>medcoord demo</c> (with both keys): the bundle holds a
/// resource for every record and an AuditEvent for every entry, its own read among them; patient data goes into the
/// bundle and never onto the console; wrong keys, a missing or foreign file, a broken chain and an unwritable output are
/// refused with nothing written. (That the bundle validates against the base R4 profiles is shown in
/// tests/MedCoord.Fhir.Tests, <c>DemoBundleTests</c>, where the validator lives.)
/// </summary>
public sealed class FhirEngineCommandLineTests(DemoDatabase demo) : IClassFixture<DemoDatabase>
{
    private string Copy()
    {
        var path = Path.Combine(demo.Dir, $"copy-{Guid.NewGuid():N}.db");
        File.Copy(demo.Path_, path);
        return path;
    }

    private string OutPath() => Path.Combine(demo.Dir, $"bundle-{Guid.NewGuid():N}.json");

    private Task<(int Code, string Out, string Err)> Export(string db, string output, params string[] more) =>
        Run(["fhir", "engine", "--db", db, "--out", output, "--data-key-file", demo.DataKeyFile, "--audit-key-file", demo.AuditKeyFile, .. more]);

    private static List<JsonElement> Resources(string bundlePath, string type)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(bundlePath));
        return [.. json.RootElement.GetProperty("entry").EnumerateArray().Select(e => e.GetProperty("resource").Clone()).Where(r => r.GetProperty("resourceType").GetString() == type)];
    }

    [Fact]
    public async Task Engine_TheDemoDatabase_WritesABundleOfEveryRecord_AndRecordsTheRead()
    {
        Assert.Equal(0, demo.Code);
        var (db, output) = (Copy(), OutPath());

        var (code, stdout, stderr) = await Export(db, output);

        Assert.Equal(string.Empty, stderr);
        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(File.ReadAllText(output));
        Assert.Equal(("Bundle", "collection"), (json.RootElement.GetProperty("resourceType").GetString(), json.RootElement.GetProperty("type").GetString()));
        var types = json.RootElement.GetProperty("entry").EnumerateArray().Select(e => e.GetProperty("resource").GetProperty("resourceType").GetString()!).ToList();
        var counts = types.GroupBy(t => t, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}");
        Assert.Equal($"bundle: {types.Count} resources ({string.Join(", ", counts)}); {output}", stdout.Trim());
        var text = File.ReadAllText(output);
        Assert.StartsWith("{\n  \"resourceType\": \"Bundle\",", text.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.EndsWith("}\n", text, StringComparison.Ordinal);
        Assert.Equal(4, types.Count(t => t == "CarePlan"));
        Assert.Equal(types.Count(t => t == "Appointment"), types.Count(t => t == "Encounter"));
        Assert.Equal(1, types.Count(t => t == "Claim"));
        Assert.Equal(["pat-a", "pat-b", "pat-c", "pat-d"], Resources(output, "Patient").Select(p => p.GetProperty("identifier")[0].GetProperty("value").GetString()));
        Assert.Equal(["ref-cardio", "ref-derm"], Resources(output, "Task").Where(t => t.GetProperty("identifier")[0].GetProperty("system").GetString() == "urn:medcoord:referral")
            .Select(t => t.GetProperty("identifier")[0].GetProperty("value").GetString()).Order(StringComparer.Ordinal));
        var last = Resources(output, "AuditEvent")[^1];
        Assert.Equal(("Read.Export", FhirEngineCommand.Actor), (last.GetProperty("subtype")[0].GetProperty("code").GetString(), last.GetProperty("agent")[0].GetProperty("who").GetProperty("identifier").GetProperty("value").GetString()));
        Assert.Equal(4, last.GetProperty("entity").EnumerateArray().Count(e => e.TryGetProperty("role", out var role) && role.GetProperty("code").GetString() == "1"));

        // The claim's patient is in the bundle (that is its purpose), never on the console; the database still verifies, the read in its chain.
        Assert.Equal(("Rivera", "1968-04-12"), (Resources(output, "Patient")[0].GetProperty("name")[0].GetProperty("family").GetString(), Resources(output, "Patient")[0].GetProperty("birthDate").GetString()));
        Assert.DoesNotContain("Rivera", stdout + stderr, StringComparison.Ordinal);
        var (verify, verified, _) = await Run("audit", "verify", "--db", db, "--data-key-file", demo.DataKeyFile, "--audit-key-file", demo.AuditKeyFile);
        Assert.Equal(0, verify);
        Assert.Contains($"{Resources(output, "AuditEvent").Count} entries", verified, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Engine_KeysFromTheEnvironment_AndAProblemFile_GiveAppointmentEndsForItsTypes()
    {
        var (db, output) = (Copy(), OutPath());

        var (code, _, stderr) = await RunWith(
            new Dictionary<string, string> { ["MEDCOORD_DATA_KEY"] = demo.DataKey, ["MEDCOORD_AUDIT_KEY"] = demo.AuditKey },
            "fhir", "engine", "--db", db, "--out", output, "--problem", TestData("clinic-small.json"));

        Assert.Equal((0, string.Empty), (code, stderr));
        var appointments = Resources(output, "Appointment");
        JsonElement OfType(string type) => appointments.First(a => a.GetProperty("serviceType")[0].GetProperty("coding")[0].GetProperty("code").GetString() == type);
        DateTimeOffset At(JsonElement a, string name) => DateTimeOffset.Parse(a.GetProperty(name).GetString()!, System.Globalization.CultureInfo.InvariantCulture);

        // new-patient is 40 minutes and lab-draw 10 in clinic-small.json; it has no eye-exam, so that end is marked unknown.
        Assert.Equal(At(OfType("new-patient"), "start").AddMinutes(40), At(OfType("new-patient"), "end"));
        Assert.Equal(At(OfType("lab-draw"), "start").AddMinutes(10), At(OfType("lab-draw"), "end"));
        Assert.False(OfType("eye-exam").TryGetProperty("end", out _));
        Assert.Equal("unknown", OfType("eye-exam").GetProperty("_end").GetProperty("extension")[0].GetProperty("valueCode").GetString());
    }

    [Fact]
    public async Task Engine_WithoutTheKeys_IsRefusedNamingTheKey_AndWritesNothing()
    {
        var (db, output) = (Copy(), OutPath());
        var before = File.ReadAllBytes(db);

        var (noKeys, _, noKeysErr) = await Run("fhir", "engine", "--db", db, "--out", output);
        var (dataOnly, _, dataOnlyErr) = await Run("fhir", "engine", "--db", db, "--out", output, "--data-key-file", demo.DataKeyFile);

        Assert.Equal((2, 2), (noKeys, dataOnly));
        Assert.StartsWith("--db: ", noKeysErr, StringComparison.Ordinal);
        Assert.Contains("no data key was given", noKeysErr, StringComparison.Ordinal);
        Assert.Contains("no audit key was given", dataOnlyErr, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
        Assert.Equal(before, File.ReadAllBytes(db));
    }

    [Fact]
    public async Task Engine_BadInput_ExitsTwoNamingEachFlag_AndWritesNothing()
    {
        var output = OutPath();
        var notDb = Path.Combine(demo.Dir, "not-a-database.db");
        await File.WriteAllTextAsync(notDb, "hello");

        var (missing, _, missingErr) = await Export(Path.Combine(demo.Dir, "none.db"), Path.Combine(demo.Dir, "no-dir", "b.json"), "--problem", Path.Combine(demo.Dir, "none.json"));
        var (foreign, _, foreignErr) = await Export(notDb, output);
        var (noOut, _, noOutErr) = await Run("fhir", "engine", "--db", demo.Path_);

        Assert.Equal((2, 2, 2), (missing, foreign, noOut));
        Assert.Equal(
            [$"--db: no database file at {Path.Combine(demo.Dir, "none.db")}", $"--out: cannot write '{Path.Combine(demo.Dir, "no-dir", "b.json")}': directory '{Path.Combine(demo.Dir, "no-dir")}' does not exist", $"--problem: no such file {Path.Combine(demo.Dir, "none.json")}"],
            missingErr.TrimEnd().Split(Environment.NewLine));
        Assert.Equal($"--db: cannot read '{notDb}': it is not a SQLite database", foreignErr.TrimEnd());
        Assert.Contains("--out", noOutErr, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public async Task Engine_ABrokenAuditChain_IsRefused_AndNothingIsExported()
    {
        var (db, output) = (Copy(), OutPath());
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={db};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM audit_log WHERE sequence = 3";
            command.ExecuteNonQuery();
        }

        var (code, _, stderr) = await Export(db, output);

        Assert.Equal(1, code);
        Assert.StartsWith("--db: audit log broken at entry 3", stderr, StringComparison.Ordinal);
        Assert.EndsWith("; nothing exported", stderr.TrimEnd(), StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }
}
