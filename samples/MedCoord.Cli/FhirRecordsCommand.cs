using MedCoord.Engine;
using MedCoord.Engine.Storage;
using MedCoord.Fhir;
using MedCoord.Scheduling.Validation;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Spectre.Console;

namespace MedCoord.Cli;

/// <summary>
/// <c>medcoord fhir records BUNDLE.json --db ENGINE.db</c>: the care plans, referrals, consents and intake responses of
/// an EHR's FHIR R4 Bundle (<see cref="EngineBundle.Import"/>) stored in an engine database in one commit
/// (<see cref="RecordsService.ImportAsync"/>, audited as <see cref="Actor"/>). A bundle fault is printed with its entry and
/// FHIRPath, a record the database refuses (an id already stored) with its path; either exits 2 and stores nothing. A
/// database created for the import is removed again when the import is refused. Keys as for the other engine commands.
/// </summary>
internal sealed record FhirRecordsCommand(string BundlePath, string DatabasePath, string? DataKeyFile, string? AuditKeyFile)
{
    /// <summary>Who the audit entries name.</summary>
    public const string Actor = "fhir-import";

    public async Task<int> RunAsync(IAnsiConsole console, TextWriter stderr, Func<string, string?> environment, CancellationToken cancellationToken)
    {
        var (keys, errors) = EngineKeys.Read(DataKeyFile, AuditKeyFile, environment);
        var created = !File.Exists(DatabasePath);
        if (created && OutputFile.Check(("--db", DatabasePath)) is [var unwritable, ..])
        {
            errors.Insert(0, unwritable.ToString());
        }

        var bytes = await InputFile.ReadAsync(BundlePath, "bundle", stderr);
        foreach (var error in errors)
        {
            await stderr.WriteLineAsync(error);
        }

        if (bytes is null || errors.Count > 0)
        {
            return SolverCommandLine.BadInput;
        }

        var parseErrors = FhirJson.TryReadBundle(bytes, out var bundle);
        var read = bundle is null ? null : EngineBundle.Import(bundle);
        foreach (var error in read?.Errors ?? parseErrors)
        {
            await stderr.WriteLineAsync(error.ToString());
        }

        if (read?.Records is not { } records)
        {
            return SolverCommandLine.BadInput;
        }

        var stored = 0;
        var refused = true;
        try
        {
            await using var services = new ServiceCollection()
                .AddSingleton<IClock>(SystemClock.Instance)
                .AddMedCoordEngine(o => (o.DatabasePath, o.DataKey, o.AuditKey) = (DatabasePath, keys.Data, keys.Audit))
                .BuildServiceProvider();
            stored = await services.GetRequiredService<CoordinationEngine>().Records.ImportAsync(records, Actor, cancellationToken);
            refused = false;
        }
        catch (ValidationException ex)
        {
            foreach (var error in ex.Errors)
            {
                await stderr.WriteLineAsync($"--db: {error}");
            }

            return SolverCommandLine.BadInput;
        }
        catch (Exception ex) when (ex is InvalidDataException or EngineKeyException or StoreConcurrencyException)
        {
            await stderr.WriteLineAsync($"--db: cannot store in '{DatabasePath}': {ex.Message}");
            return SolverCommandLine.BadInput;
        }
        finally
        {
            if (created && refused)
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                foreach (var file in new[] { DatabasePath, DatabasePath + "-wal", DatabasePath + "-shm", DatabasePath + "-journal" })
                {
                    File.Delete(file);
                }
            }
        }

        console.MarkupLine(Markup.Escape(
            $"stored {stored} records: {records.CarePlans.Count} care plans, {records.Referrals.Count} referrals, {records.Consents.Count} consents, {records.Intakes.Count} intake responses; {DatabasePath}"));
        return SolverCommandLine.Success;
    }
}
