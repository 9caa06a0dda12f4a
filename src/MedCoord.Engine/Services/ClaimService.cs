using MedCoord.Engine.Billing;
using MedCoord.Engine.Billing.X12;
using MedCoord.Engine.Services;
using MedCoord.Engine.Storage;
using MedCoord.Engine.Visits;
using MedCoord.Scheduling.Validation;
using Microsoft.Extensions.Logging;

namespace MedCoord.Engine;

/// <summary>
/// Claims from a fulfilled visit to their close: created in draft, moved along <see cref="ClaimLifecycle"/> (to Ready
/// only when valid), and moved by what comes back from the payer — acknowledgements (999, 277CA) and remittances (835)
/// — each applied all or nothing and committed with its audit entries. Thread safe.
/// </summary>
public sealed class ClaimService
{
    private readonly EngineContext _context;
    private readonly ILogger _logger;

    internal ClaimService(EngineContext context)
    {
        _context = context;
        _logger = context.LoggerFactory.CreateLogger<ClaimService>();
    }

    /// <summary>Stores a draft claim for a stored, fulfilled visit.</summary>
    /// <param name="id">The patient control number.</param>
    /// <param name="visitId">The visit.</param>
    /// <param name="patient">The patient.</param>
    /// <param name="coverage">The coverage billed.</param>
    /// <param name="billing">The billing provider.</param>
    /// <param name="rendering">The rendering provider, or null.</param>
    /// <param name="diagnoses">ICD-10-CM codes, principal first.</param>
    /// <param name="lines">Service lines.</param>
    /// <param name="actor">Who.</param>
    /// <param name="cancellationToken">Cancels the operation before it commits.</param>
    /// <returns>The draft.</returns>
    public async Task<Claim> CreateAsync(string id, string visitId, Person patient, Coverage coverage, ClaimProvider billing, ClaimProvider? rendering,
        IReadOnlyList<string> diagnoses, IReadOnlyList<ServiceLine> lines, string actor, CancellationToken cancellationToken = default)
    {
        var visit = await _context.LoadAsync<Visit>(visitId, "visit", cancellationToken).ConfigureAwait(false);
        var claim = ClaimLifecycle.FromVisit(id, visit.Value, patient, coverage, billing, rendering, diagnoses, lines) with { CreatedAt = _context.Clock.GetCurrentInstant() };
        await _context.CommitAsync(_logger, [StoreChange.Of(claim.Id, claim, 0, actor, AuditActions.ClaimDraft)], [StoreRead.Of(visitId, visit)], cancellationToken).ConfigureAwait(false);
        EngineLog.ClaimMoved(_logger, claim.Id, nameof(ClaimStatus.Draft), actor);
        return claim;
    }

    /// <summary>Moves a stored claim (to Ready only when valid, every problem listed at once).</summary>
    /// <param name="claimId">The claim.</param>
    /// <param name="to">The new status.</param>
    /// <param name="actor">Who.</param>
    /// <param name="reason">Why.</param>
    /// <param name="codeSets">Loaded code tables, if any.</param>
    /// <param name="cancellationToken">Cancels the operation before it commits.</param>
    /// <returns>The claim after the move.</returns>
    public async Task<Claim> MoveAsync(string claimId, ClaimStatus to, string actor, string reason, ICodeSetProvider? codeSets = null, CancellationToken cancellationToken = default)
    {
        var stored = await _context.LoadAsync<Claim>(claimId, "claim", cancellationToken).ConfigureAwait(false);
        var moved = ClaimLifecycle.Move(stored.Value, to, actor, reason, _context.Clock, codeSets);
        await _context.CommitAsync(_logger, [StoreChange.Of(claimId, moved, stored.Version, actor, AuditActions.Claim(to))], cancellationToken).ConfigureAwait(false);
        EngineLog.ClaimMoved(_logger, claimId, to.ToString(), actor);
        return moved;
    }

    /// <summary>
    /// Applies 999 acknowledgements to the claims of the 837P they answer: the stored claims where the engine holds them,
    /// the others taken in as submitted. Nothing is saved when the result has errors.
    /// </summary>
    /// <param name="acknowledgements">The acknowledgements read (<see cref="Acknowledgements.Read999"/>).</param>
    /// <param name="controlNumber">The 837P's interchange control number.</param>
    /// <param name="submitted">The claims of that 837P.</param>
    /// <param name="actor">Who reports it (for example the clearinghouse interface).</param>
    /// <param name="cancellationToken">Cancels the operation before it commits.</param>
    /// <returns>The outcome, with the claims as stored after it.</returns>
    public Task<AcknowledgementResult> ApplyAcknowledgementsAsync(IReadOnlyList<FunctionalAcknowledgement> acknowledgements, int controlNumber, IReadOnlyList<Claim> submitted,
        string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(acknowledgements);
        return ApplyAsync(submitted, claims => Acknowledgements.Apply999(acknowledgements, controlNumber, claims, actor, _context.Clock), r => r.Claims, r => r.Errors,
            AuditActions.ClaimAcknowledged999, actor, cancellationToken);
    }

    /// <summary>Applies 277CA claim acknowledgements, like <see cref="ApplyAcknowledgementsAsync"/>.</summary>
    /// <param name="reports">The reports read (<see cref="Acknowledgements.Read277"/>).</param>
    /// <param name="submitted">The claims they answer.</param>
    /// <param name="actor">Who reports it.</param>
    /// <param name="cancellationToken">Cancels the operation before it commits.</param>
    /// <returns>The outcome, with the claims as stored after it.</returns>
    public Task<AcknowledgementResult> ApplyStatusReportsAsync(IReadOnlyList<ClaimStatusReport> reports, IReadOnlyList<Claim> submitted, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reports);
        return ApplyAsync(submitted, claims => Acknowledgements.Apply277(reports, claims, actor, _context.Clock), r => r.Claims, r => r.Errors,
            AuditActions.ClaimAcknowledged277, actor, cancellationToken);
    }

    /// <summary>Posts 835 remittances to the claims they pay, like <see cref="ApplyAcknowledgementsAsync"/>.</summary>
    /// <param name="remittances">The remittances read (<see cref="RemittanceReader.Read"/>).</param>
    /// <param name="submitted">The claims they pay.</param>
    /// <param name="actor">Who reports it.</param>
    /// <param name="cancellationToken">Cancels the operation before it commits.</param>
    /// <returns>The outcome, with the claims as stored after it.</returns>
    public Task<RemittancePostingResult> PostRemittancesAsync(IReadOnlyList<Remittance> remittances, IReadOnlyList<Claim> submitted, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(remittances);
        return ApplyAsync(submitted, claims => RemittancePosting.Post(remittances, claims, actor, _context.Clock), r => r.Claims, r => r.Errors,
            AuditActions.ClaimRemittancePosted, actor, cancellationToken);
    }

    /// <summary>
    /// The one path of what comes back from a payer: the claims as held (stored, or the submitted ones taken in as
    /// submitted), the payer's answer applied to them by the billing rules, every changed claim committed in one
    /// transaction based on the versions read.
    /// </summary>
    private async Task<T> ApplyAsync<T>(IReadOnlyList<Claim> submitted, Func<IReadOnlyList<Claim>, T> apply, Func<T, IReadOnlyList<Claim>> after,
        Func<T, IReadOnlyList<ValidationError>> errors, string action, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(submitted);
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        ValidationException.ThrowIfAny(
            [.. submitted.Select((c, i) => (c.Id, i)).GroupBy(c => c.Id, StringComparer.Ordinal).Where(g => g.Count() > 1)
                .Select(g => new ValidationError($"submitted[{g.Skip(1).First().i}].id", $"'{g.Key}' is used by {g.Count()} claims; claims are found by id"))],
            "submitted claims",
            nameof(submitted));

        var stored = new Dictionary<string, Stored<Claim>>(StringComparer.Ordinal);
        var held = new List<Claim>();
        foreach (var claim in submitted)
        {
            if (await _context.Store.FindAsync<Claim>(claim.Id, cancellationToken).ConfigureAwait(false) is { } found)
            {
                stored[claim.Id] = found;
                held.Add(found.Value);
            }
            else
            {
                held.Add(claim with { Status = ClaimStatus.Submitted });
            }
        }

        var result = apply(held);
        if (errors(result).Count > 0)
        {
            return result;
        }

        var before = held.ToDictionary(c => c.Id, StringComparer.Ordinal);
        var changes = after(result)
            .Where(c => !ReferenceEquals(before[c.Id], c))
            .Select(c => stored.TryGetValue(c.Id, out var s)
                ? StoreChange.Of(c.Id, c, s.Version, actor, action)
                : StoreChange.Of(c.Id, c, 0, actor, AuditActions.ClaimSubmitted, action))
            .ToList();
        if (changes.Count > 0)
        {
            // The answer was applied to every stored claim read: none may have changed meanwhile.
            var changed = changes.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
            await _context.CommitAsync(_logger, changes, [.. stored.Values.Where(s => !changed.Contains(s.Value.Id)).Select(s => StoreRead.Of(s.Value.Id, s))], cancellationToken).ConfigureAwait(false);
        }

        EngineLog.ClaimsTakenIn(_logger, changes.Count, actor, action);
        return result;
    }
}
