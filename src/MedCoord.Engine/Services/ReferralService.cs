using MedCoord.Engine.Referrals;
using MedCoord.Engine.Services;
using MedCoord.Engine.Storage;
using Microsoft.Extensions.Logging;

namespace MedCoord.Engine;

/// <summary>Referrals kept until their loop is closed: created in draft, moved along <see cref="ReferralLifecycle"/>. Thread safe.</summary>
public sealed class ReferralService
{
    private readonly EngineContext _context;
    private readonly ILogger _logger;

    internal ReferralService(EngineContext context)
    {
        _context = context;
        _logger = context.LoggerFactory.CreateLogger<ReferralService>();
    }

    /// <summary>Stores a new referral, in draft.</summary>
    /// <param name="referral">A referral from <see cref="ReferralLifecycle.Draft"/>.</param>
    /// <param name="actor">Who.</param>
    /// <param name="cancellationToken">Cancels the operation before it commits.</param>
    /// <returns>A task that completes when the referral is saved.</returns>
    public async Task CreateAsync(Referral referral, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(referral);
        await _context.CommitAsync(_logger, [StoreChange.Of(referral.Id, referral, 0, actor, AuditActions.ReferralDraft)], cancellationToken).ConfigureAwait(false);
        EngineLog.ReferralMoved(_logger, referral.Id, nameof(ReferralStatus.Draft), actor);
    }

    /// <summary>Moves a stored referral along its lifecycle (refused moves throw and change nothing).</summary>
    /// <param name="referralId">The referral.</param>
    /// <param name="to">The new status.</param>
    /// <param name="actor">Who.</param>
    /// <param name="reason">Why (a short code or phrase, no patient details).</param>
    /// <param name="cancellationToken">Cancels the operation before it commits.</param>
    /// <returns>The referral after the move.</returns>
    public async Task<Referral> MoveAsync(string referralId, ReferralStatus to, string actor, string reason, CancellationToken cancellationToken = default)
    {
        var stored = await _context.LoadAsync<Referral>(referralId, "referral", cancellationToken).ConfigureAwait(false);
        var moved = ReferralLifecycle.Move(stored.Value, to, actor, reason, _context.Clock);
        await _context.CommitAsync(_logger, [StoreChange.Of(referralId, moved, stored.Version, actor, AuditActions.Referral(to))], cancellationToken).ConfigureAwait(false);
        EngineLog.ReferralMoved(_logger, referralId, to.ToString(), actor);
        return moved;
    }
}
