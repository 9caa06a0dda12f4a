using MedCoord.Engine;
using MedCoord.Engine.Audit;
using MedCoord.Engine.Services;
using MedCoord.Engine.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the MedCoord care-coordination engine.</summary>
public static class EngineServiceCollectionExtensions
{
    /// <summary>
    /// Adds the engine's services — <see cref="CarePlanService"/>, <see cref="VisitService"/>, <see cref="ResultsService"/>,
    /// <see cref="ReferralService"/>, <see cref="ClaimService"/>, <see cref="OutboxService"/>, <see cref="WorklistService"/>,
    /// <see cref="RecordsService"/>, and <see cref="CoordinationEngine"/> holding them all — as singletons over one store,
    /// with its options (validated at start): SQLite at <see cref="EngineOptions.DatabasePath"/> (schema created or migrated
    /// when first used; records encrypted with <see cref="EngineOptions.DataKey"/> and the audit chain keyed with
    /// <see cref="EngineOptions.AuditKey"/> when they are set), or in memory when no path is set. The host registers a
    /// NodaTime <see cref="IClock"/> (NodaTime's system clock in production); the engine logs through the host's
    /// <see cref="ILoggerFactory"/> when there is one. Safe to call more than once.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configuration of the options.</param>
    /// <returns>The same service collection.</returns>
    public static IServiceCollection AddMedCoordEngine(this IServiceCollection services, Action<EngineOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = services.AddOptions<EngineOptions>();
        if (configure is not null)
        {
            builder.Configure(configure);
        }

        builder.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EngineOptions>, EngineOptionsValidator>());
        services.TryAddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<EngineOptions>>().Value;
            var clock = provider.GetRequiredService<IClock>();
            IEngineStore store;
            if (options.DatabasePath is null)
            {
                store = new InMemoryEngineStore(clock);
            }
            else
            {
                var database = SqliteDatabase.Open(options.DatabasePath);
                store = new SqliteEngineStore(database, new SqliteAuditLog(database, clock, options.AuditKey), options.DataKey, options.PreviousDataKeys);
            }

            return CoordinationEngine.Over(store, clock, Microsoft.Extensions.Options.Options.Create(options), provider.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance);
        });
        services.TryAddSingleton(provider => provider.GetRequiredService<CoordinationEngine>().CarePlans);
        services.TryAddSingleton(provider => provider.GetRequiredService<CoordinationEngine>().Visits);
        services.TryAddSingleton(provider => provider.GetRequiredService<CoordinationEngine>().Results);
        services.TryAddSingleton(provider => provider.GetRequiredService<CoordinationEngine>().Referrals);
        services.TryAddSingleton(provider => provider.GetRequiredService<CoordinationEngine>().Claims);
        services.TryAddSingleton(provider => provider.GetRequiredService<CoordinationEngine>().Outbox);
        services.TryAddSingleton(provider => provider.GetRequiredService<CoordinationEngine>().Worklist);
        services.TryAddSingleton(provider => provider.GetRequiredService<CoordinationEngine>().Records);
        return services;
    }
}
