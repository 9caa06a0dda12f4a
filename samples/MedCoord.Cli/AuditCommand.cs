using System.Globalization;
using MedCoord.Engine.Audit;
using MedCoord.Engine.Storage;
using Spectre.Console;

namespace MedCoord.Cli;

/// <summary>
/// <c>medcoord audit verify --db FILE [--expect-head SEQ:HASH]</c> and <c>medcoord audit checkpoint --db FILE</c>. The
/// database is opened read-only and never migrated: verifying changes nothing. Verify exits 0 when the chain and every
/// record are proven intact, 1 naming the first bad entry or record (or a checkpoint the log no longer reaches), 2 for
/// bad input (no such file, not an engine database, a bad flag, a wrong key), and 3 when the chain is keyed and no
/// audit key was given: its structure, order and records were checked and hold, but its HMACs could not be.
/// Checkpoint verifies the same way and prints the chain's head, <c>SEQ:HASH</c>, as its last line.
/// </summary>
internal sealed record AuditCommand(string DatabasePath, string? ExpectHead, string? DataKeyFile, string? AuditKeyFile, bool Checkpoint)
{
    /// <summary>Exit code: the chain or a record is broken.</summary>
    public const int Broken = 1;

    /// <summary>Exit code: nothing is broken, but keyed entries could not be checked without the audit key.</summary>
    public const int Unproven = 3;

    public async Task<int> RunAsync(IAnsiConsole console, TextWriter stderr, Func<string, string?> environment)
    {
        var (keys, errors) = EngineKeys.Read(DataKeyFile, AuditKeyFile, environment);
        var head = ParseHead(ExpectHead, errors);
        if (!File.Exists(DatabasePath))
        {
            errors.Insert(0, $"--db: no database file at {DatabasePath}");
        }

        if (errors.Count > 0)
        {
            foreach (var error in errors)
            {
                await stderr.WriteLineAsync(error);
            }

            return SolverCommandLine.BadInput;
        }

        DatabaseVerification verification;
        try
        {
            verification = await EngineDatabase.VerifyAsync(DatabasePath, keys.Audit, keys.Data);
        }
        catch (InvalidDataException ex)
        {
            await stderr.WriteLineAsync($"--db: cannot verify '{DatabasePath}': {ex.Message}");
            return SolverCommandLine.BadInput;
        }
        catch (EngineKeyException ex)
        {
            await stderr.WriteLineAsync($"{EngineKeys.AuditVariable}: {ex.Message}");
            return SolverCommandLine.BadInput;
        }

        var result = verification.Audit;
        if (!result.Intact)
        {
            await stderr.WriteLineAsync(result.FirstBadSequence is { } at ? $"audit log broken at entry {at}: {result.Problem}" : $"audit log broken: {result.Problem}");
            return Broken;
        }

        if (head is var (sequence, hash) && AuditChain.CheckHead(verification.Entries, sequence, hash) is { } truncated)
        {
            await stderr.WriteLineAsync($"audit log broken at entry {Math.Min(sequence, result.Entries + 1)}: {truncated}");
            return Broken;
        }

        var encrypted = 0;
        if (keys.Data is not null)
        {
            try
            {
                encrypted = await EngineDatabase.CheckDataKeysAsync(DatabasePath, keys.Data);
            }
            catch (EngineKeyException ex)
            {
                await stderr.WriteLineAsync($"{EngineKeys.DataVariable}: {ex.Message}");
                return SolverCommandLine.BadInput;
            }
        }

        var keyed = verification.Entries.Count(e => e.KeyId is not null);
        console.MarkupLine(Markup.Escape($"audit log intact: {result.Entries} entries, every hash chained; {Describe(result, keyed, keys.Data is null ? null : encrypted)}"));
        if (result.UncheckedEntries > 0)
        {
            var note = $"structure only: {result.UncheckedEntries} keyed entries were not checked against their HMAC (no audit key: set {EngineKeys.AuditVariable} or --audit-key-file)";
            await stderr.WriteLineAsync(note);
        }

        if (Checkpoint)
        {
            console.WriteLine(result.Head);
            return SolverCommandLine.Success;
        }

        return result.UncheckedEntries > 0 ? Unproven : SolverCommandLine.Success;
    }

    private static string Describe(AuditVerification result, int keyedEntries, int? encrypted)
    {
        var records = $"{result.Records - result.UnprovenRecords} records match the entries that wrote them";
        if (result.UnprovenRecords > 0)
        {
            records += $", {result.UnprovenRecords} written before entries committed to content are present but not proven";
        }

        var keyed = keyedEntries == 0 ? "no keyed entries"
            : result.UncheckedEntries > 0 ? $"{keyedEntries} keyed entries, HMACs not checked"
            : $"{keyedEntries} keyed entries checked with the audit key";
        return $"{records}; {keyed}{(encrypted is { } n ? $"; {n} encrypted records open with the data key" : string.Empty)}";
    }

    private static (long Sequence, string Hash)? ParseHead(string? text, List<string> errors)
    {
        if (text is null)
        {
            return null;
        }

        var parts = text.Split(':');
        if (parts.Length == 2 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)
            && parts[1].Length == 64 && parts[1].All(char.IsAsciiHexDigitLower))
        {
            return (sequence, parts[1]);
        }

        errors.Add($"--expect-head: must be SEQ:HASH (a sequence and 64 lower-case hex digits, as 'medcoord audit checkpoint' prints), found '{text}'");
        return null;
    }
}
