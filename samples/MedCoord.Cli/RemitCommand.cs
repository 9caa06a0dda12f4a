using System.Text.Json;
using MedCoord.Engine.Billing;
using MedCoord.Engine.Billing.X12;
using NodaTime;
using Spectre.Console;

namespace MedCoord.Cli;

/// <summary>
/// <c>medcoord remit IN.835 --claims CLAIMS.json [--db FILE] --out POSTING.json</c>: posts an 835 to the claims and
/// writes what was posted per claim and line. An unbalanced file, an unknown claim, a line that matches none, or a
/// move a claim's lifecycle refuses exits 2 naming the segment, posting nothing and writing nothing. With
/// <c>--db</c> the claims' payments and moves are committed to the engine database, so posting the same 835 again posts
/// nothing (each claim is listed with <c>"posted": false</c>).
/// </summary>
internal sealed record RemitCommand(string InPath, string ClaimsPath, string? DatabasePath, string OutPath, string? DataKeyFile = null, string? AuditKeyFile = null)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public async Task<int> RunAsync(IAnsiConsole console, TextWriter stderr, Func<string, string?> environment)
    {
        var outErrors = OutputFile.Check(("--out", OutPath));
        var interchange = await X12Input.ReadAsync(InPath, stderr);
        using var ledger = interchange is null ? null : await ClaimLedger.OpenAsync(ClaimsPath, DatabasePath, (DataKeyFile, AuditKeyFile), environment, stderr);
        foreach (var error in outErrors)
        {
            await stderr.WriteLineAsync(error.ToString());
        }

        if (interchange is null || ledger is null || outErrors.Count > 0)
        {
            return SolverCommandLine.BadInput;
        }

        var (remittances, errors) = RemittanceReader.Read(interchange);
        var result = errors.Count > 0 ? new RemittancePostingResult([], [], errors) : await ledger.PostAsync(remittances, CancellationToken.None);
        if (await X12Input.RefuseAsync(InPath, result.Errors, stderr))
        {
            return SolverCommandLine.BadInput;
        }

        var posting = new
        {
            FormatVersion = 1,
            Remittances = remittances.Select(r => new
            {
                r.Trace,
                r.PayerId,
                r.TotalPaid,
                r.CreditDebit,
                ProviderAdjustments = r.ProviderAdjustments.Select(p => new { p.ProviderId, p.Reason, p.Reference, p.Amount }),
            }),
            Claims = result.Postings.Select(Describe),
        };
        OutputFile.WriteAtomically("--out", OutPath, JsonSerializer.Serialize(posting, Json) + "\n");
        foreach (var p in result.Postings)
        {
            console.MarkupLine(Markup.Escape(p.Posted
                ? $"claim {p.ClaimId}: {p.Status}, paid {p.Payments.Sum(x => x.Paid):0.00}, allowed {p.Payments.Sum(x => x.Allowed):0.00}, patient responsibility {p.Payments.Sum(x => x.PatientResponsibility):0.00}"
                    + (p.Payments.Count > 1 ? $" (net of {p.Payments.Count} claim payments: {string.Join(", ", p.Payments.Select(x => $"CLP02 {x.StatusCode} paid {x.Paid:0.00}"))})" : string.Empty)
                : $"claim {p.ClaimId}: {p.Status}; this remittance was already posted, nothing posted again"));
        }

        console.MarkupLine(Markup.Escape($"posting written to {OutPath}: {result.Postings.Count(p => p.Posted)} claims posted, {result.Postings.Count(p => !p.Posted)} already posted"));
        return SolverCommandLine.Success;
    }

    /// <summary>One claim of POSTING.json: the sums of this remittance's payments to it, and the same per line.</summary>
    private static object Describe(PostedClaim posted) => new
    {
        Id = posted.ClaimId,
        Status = posted.Status.ToString(),
        posted.Posted,
        Paid = posted.Payments.Sum(p => p.Paid),
        Allowed = posted.Payments.Sum(p => p.Allowed),
        PatientResponsibility = posted.Payments.Sum(p => p.PatientResponsibility),
        Adjustments = posted.Payments.SelectMany(p => p.Adjustments).Select(Adjustment),
        RemarkCodes = posted.Payments.SelectMany(p => p.RemarkCodes).Distinct(StringComparer.Ordinal),
        Lines = posted.Payments.SelectMany(p => p.Lines).GroupBy(l => l.Line).OrderBy(g => g.Key).Select(g => new
        {
            Line = g.Key,
            g.First().ProcedureCode,
            Paid = g.Sum(l => l.Paid),
            Allowed = g.Sum(l => l.Allowed),
            PatientResponsibility = g.Sum(l => l.PatientResponsibility),
            Adjustments = g.SelectMany(l => l.Adjustments).Select(Adjustment),
            RemarkCodes = g.SelectMany(l => l.RemarkCodes).Distinct(StringComparer.Ordinal),
        }),
    };

    private static object Adjustment(ClaimAdjustment a) => new { a.Group, a.Reason, a.Amount };
}
