using MedCoord.Engine;
using MedCoord.Engine.Billing;
using MedCoord.Engine.Billing.X12;
using MedCoord.Engine.Storage;
using MedCoord.Scheduling.Validation;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Spectre.Console;

namespace MedCoord.Cli;

/// <summary>
/// <c>medcoord ack IN.999|IN.277 --claims CLAIMS.json [--db FILE]</c>: reads a 999 or a 277CA and prints each claim's
/// status after it (Accepted or Rejected, with the codes as the reason). The claims come from the claim file, taken as
/// submitted; with <c>--db</c> from the engine database where it holds them (a claim it does not hold yet is added as
/// submitted), and the moves are committed there, audited. Bad input exits 2 naming the segment, and changes nothing.
/// </summary>
internal sealed record AckCommand(string InPath, string ClaimsPath, string? DatabasePath, string? DataKeyFile = null, string? AuditKeyFile = null)
{
    public async Task<int> RunAsync(IAnsiConsole console, TextWriter stderr, Func<string, string?> environment)
    {
        if (await X12Input.ReadAsync(InPath, stderr) is not { } interchange || await ClaimLedger.OpenAsync(ClaimsPath, DatabasePath, (DataKeyFile, AuditKeyFile), environment, stderr) is not { } ledger)
        {
            return SolverCommandLine.BadInput;
        }

        using (ledger)
        {
            var kind = interchange.Transactions.FirstOrDefault()?.Id;
            AcknowledgementResult result;
            if (kind == "277")
            {
                var (reports, errors) = Acknowledgements.Read277(interchange);
                result = errors.Count > 0 ? new([], [], errors) : await ledger.Apply277Async(reports, CancellationToken.None);
            }
            else if (kind == "999")
            {
                var (acks, errors) = Acknowledgements.Read999(interchange);
                result = errors.Count > 0 ? new([], [], errors) : await ledger.Apply999Async(acks, CancellationToken.None);
            }
            else
            {
                result = new([], [], [kind is null
                    ? new("segment 1 (ISA)", "the interchange holds no transaction set; expected a 999 or a 277 (277CA)")
                    : new("segment 3 (ST)", $"is transaction set {kind}; expected a 999 or a 277 (277CA)")]);
            }

            if (await X12Input.RefuseAsync(InPath, result.Errors, stderr))
            {
                return SolverCommandLine.BadInput;
            }

            foreach (var outcome in result.Outcomes)
            {
                console.MarkupLine(Markup.Escape($"claim {outcome.ClaimId}: {outcome.Status}{(outcome.Moved ? string.Empty : " (unchanged)")}: {outcome.Reason}"));
            }

            return SolverCommandLine.Success;
        }
    }
}

/// <summary>Reads an incoming X12 file, printing one line per problem (<c>IN.835: segment 14 (CLP): ...</c>).</summary>
internal static class X12Input
{
    public static async Task<X12Interchange?> ReadAsync(string path, TextWriter stderr)
    {
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            await stderr.WriteLineAsync($"{path}: no such file");
            return null;
        }

        if (await InputFile.ReadAsync(path, "X12 file", stderr) is not { } bytes)
        {
            return null;
        }

        var (interchange, errors) = X12Reader.Read(bytes);
        return await RefuseAsync(path, errors, stderr) ? null : interchange;
    }

    /// <summary>Prints the errors, each after the file's path; true when there were any.</summary>
    public static async Task<bool> RefuseAsync(string path, IReadOnlyList<ValidationError> errors, TextWriter stderr)
    {
        foreach (var error in errors)
        {
            await stderr.WriteLineAsync($"{path}: {error}");
        }

        return errors.Count > 0;
    }
}

/// <summary>
/// The claims an acknowledgement or remittance applies to: the claim file's claims, taken as submitted, or with a
/// database the engine's stored claims (a claim it does not hold yet is added as submitted): the engine's claim service
/// applies the payer's answer and commits every changed claim in one transaction, each with its audit entry.
/// </summary>
internal sealed class ClaimLedger : IDisposable
{
    public const string Actor = "x12-inbound";

    private readonly string? _databasePath;
    private readonly EngineKeys? _keys;
    private ServiceProvider? _services;

    private ClaimLedger(IReadOnlyList<Claim> claims, int controlNumber, string? databasePath, EngineKeys? keys)
    {
        (Claims, ControlNumber, _databasePath, _keys) = (claims, controlNumber, databasePath, keys);
    }

    /// <summary>Gets the claim file's claims, taken as submitted.</summary>
    public IReadOnlyList<Claim> Claims { get; }

    /// <summary>Gets the 837P's envelope control number.</summary>
    public int ControlNumber { get; }

    public static async Task<ClaimLedger?> OpenAsync(string claimsPath, string? databasePath, (string? Data, string? Audit) keyFiles, Func<string, string?> environment, TextWriter stderr)
    {
        if (!File.Exists(claimsPath) && !Directory.Exists(claimsPath))
        {
            await stderr.WriteLineAsync($"{claimsPath}: no such file");
            return null;
        }

        if (await InputFile.ReadAsync(claimsPath, "claim file", stderr) is not { } bytes)
        {
            return null;
        }

        var (batch, errors) = ClaimFile.Parse(bytes);
        if (batch is null)
        {
            foreach (var error in errors)
            {
                await stderr.WriteLineAsync($"{claimsPath}: {error}");
            }

            return null;
        }

        // Acknowledgements and remittances find claims by id: the ids must be unique.
        foreach (var duplicate in batch.Claims.GroupBy(c => c.Id, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            await stderr.WriteLineAsync($"{claimsPath}: claims: id '{duplicate.Key}' is used by {duplicate.Count()} claims");
        }

        if (batch.Claims.GroupBy(c => c.Id, StringComparer.Ordinal).Any(g => g.Count() > 1))
        {
            return null;
        }

        var claims = batch.Claims.Select(c => c with { Status = ClaimStatus.Submitted }).ToList();
        if (databasePath is null)
        {
            return new ClaimLedger(claims, batch.Envelope.ControlNumber, null, null);
        }

        var (keys, keyErrors) = EngineKeys.Read(keyFiles.Data, keyFiles.Audit, environment);
        if (!File.Exists(databasePath) && OutputFile.Check(("--db", databasePath)) is [var unwritable, ..])
        {
            keyErrors.Insert(0, unwritable.ToString());
        }

        if (keyErrors.Count > 0)
        {
            foreach (var error in keyErrors)
            {
                await stderr.WriteLineAsync(error);
            }

            return null;
        }

        var ledger = new ClaimLedger(claims, batch.Envelope.ControlNumber, databasePath, keys);
        if (File.Exists(databasePath))
        {
            // An existing file must be an engine database before anything is read from it or written to it.
            try
            {
                _ = ledger.Service();
            }
            catch (Exception ex) when (ex is InvalidDataException or InvalidOperationException)
            {
                ledger.Dispose();
                await stderr.WriteLineAsync($"--db: cannot open '{databasePath}': {ex.Message}");
                return null;
            }
        }

        return ledger;
    }

    /// <summary>Applies 999 acknowledgements: to the claim file's claims, or through the engine's claim service.</summary>
    public Task<AcknowledgementResult> Apply999Async(IReadOnlyList<FunctionalAcknowledgement> acknowledgements, CancellationToken cancellationToken) =>
        ApplyAsync(
            claims => Acknowledgements.Apply999(acknowledgements, ControlNumber, claims, Actor, SystemClock.Instance), r => r.Errors,
            service => service.ApplyAcknowledgementsAsync(acknowledgements, ControlNumber, Claims, Actor, cancellationToken));

    /// <summary>Applies 277CA acknowledgements: to the claim file's claims, or through the engine's claim service.</summary>
    public Task<AcknowledgementResult> Apply277Async(IReadOnlyList<ClaimStatusReport> reports, CancellationToken cancellationToken) =>
        ApplyAsync(
            claims => Acknowledgements.Apply277(reports, claims, Actor, SystemClock.Instance), r => r.Errors,
            service => service.ApplyStatusReportsAsync(reports, Claims, Actor, cancellationToken));

    /// <summary>Posts remittances: to the claim file's claims, or through the engine's claim service.</summary>
    public Task<RemittancePostingResult> PostAsync(IReadOnlyList<Remittance> remittances, CancellationToken cancellationToken) =>
        ApplyAsync(
            claims => RemittancePosting.Post(remittances, claims, Actor, SystemClock.Instance), r => r.Errors,
            service => service.PostRemittancesAsync(remittances, Claims, Actor, cancellationToken));

    public void Dispose() => _services?.Dispose();

    /// <summary>
    /// Without a database the answer applies to the file's claims. A database that does not exist yet holds no claims:
    /// the answer is tried on the file's claims first, and the database is created only when that is accepted.
    /// </summary>
    private async Task<T> ApplyAsync<T>(Func<IReadOnlyList<Claim>, T> apply, Func<T, IReadOnlyList<ValidationError>> errors, Func<ClaimService, Task<T>> applyStored)
    {
        if (_databasePath is null || (!File.Exists(_databasePath) && apply(Claims) is var tried && errors(tried).Count > 0))
        {
            return apply(Claims);
        }

        return await applyStored(Service());
    }

    /// <summary>The engine's claim service over the database (opened, created or migrated on first use).</summary>
    internal ClaimService Service()
    {
        _services ??= new ServiceCollection()
            .AddSingleton<IClock>(SystemClock.Instance)
            .AddMedCoordEngine(o => (o.DatabasePath, o.DataKey, o.AuditKey) = (_databasePath, _keys!.Data, _keys.Audit))
            .BuildServiceProvider();
        return _services.GetRequiredService<ClaimService>();
    }
}
