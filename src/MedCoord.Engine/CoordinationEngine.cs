using MedCoord.Engine.Services;
using MedCoord.Engine.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NodaTime;

namespace MedCoord.Engine;

/// <summary>
/// The care-coordination engine's services in one place, for a host that wants them all: care plans, the visit desk,
/// the results relay, referrals, claims, the outbox, the worklist and the records with their audit trail. Each service
/// is also registered on its own by <c>AddMedCoordEngine</c>. Every operation is asynchronous, takes a cancellation
/// token, reads what it needs from the store by index, applies the domain rules, and commits every changed record with
/// its audit entries in one transaction based on the versions of every record it read (a concurrent change makes the
/// operation fail with <see cref="StoreConcurrencyException"/>, nothing saved, safe to retry). Time comes from the
/// injected clock. Thread safe.
/// </summary>
public sealed class CoordinationEngine
{
    private readonly EngineContext _context;

    internal CoordinationEngine(EngineContext context)
    {
        _context = context;
        CarePlans = new CarePlanService(context);
        Visits = new VisitService(context);
        Results = new ResultsService(context);
        Referrals = new ReferralService(context);
        Claims = new ClaimService(context);
        Outbox = new OutboxService(context);
        Worklist = new WorklistService(context);
        Records = new RecordsService(context);
    }

    /// <summary>Creates the engine over an in-memory store (records kept as the same JSON; nothing survives the process), for trials and tests.</summary>
    /// <param name="clock">The clock.</param>
    /// <param name="options">The options.</param>
    /// <param name="loggerFactory">Where the engine logs; null logs nothing.</param>
    /// <returns>The engine.</returns>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem.</exception>
    public static CoordinationEngine InMemory(IClock clock, EngineOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(clock);
        return new(new EngineContext(new InMemoryEngineStore(clock), clock, options, loggerFactory ?? NullLoggerFactory.Instance));
    }

    /// <summary>Gets the care plans.</summary>
    public CarePlanService CarePlans { get; }

    /// <summary>Gets the visit desk: bookings, forms, check-in, visits' moves and no-shows.</summary>
    public VisitService Visits { get; }

    /// <summary>Gets the results relay.</summary>
    public ResultsService Results { get; }

    /// <summary>Gets the referrals.</summary>
    public ReferralService Referrals { get; }

    /// <summary>Gets the claims.</summary>
    public ClaimService Claims { get; }

    /// <summary>Gets the outbox.</summary>
    public OutboxService Outbox { get; }

    /// <summary>Gets the worklist.</summary>
    public WorklistService Worklist { get; }

    /// <summary>Gets the recorded reads and the audit trail.</summary>
    public RecordsService Records { get; }

    /// <summary>Gets today's date in the clinic's zone.</summary>
    public LocalDate Today => _context.Today;

    /// <summary>The engine over a store (tests and the registration).</summary>
    internal static CoordinationEngine Over(IEngineStore store, IClock clock, IOptions<EngineOptions> options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new(new EngineContext(store, clock, options.Value, loggerFactory ?? NullLoggerFactory.Instance));
    }

    internal IEngineStore Store => _context.Store;
}
