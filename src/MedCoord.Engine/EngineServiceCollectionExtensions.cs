using MedCoord.Engine;
using MedCoord.Engine.Audit;
using MedCoord.Engine.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the MedCoord care-coordination engine.</summary>
public static class EngineServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="CoordinationEngine"/>, its options (validated at start) and its store: SQLite at
    /// <see cref="EngineOptions.DatabasePath"/> (schema created or migrated when first used; records encrypted with
    /// <see cref="EngineOptions.DataKey"/> and the audit chain keyed with <see cref="EngineOptions.AuditKey"/> when they
    /// are set), or in memory when no path is set. The host registers a NodaTime <see cref="IClock"/> (NodaTime's system clock in production). Safe to call more than once.
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
        services.TryAddSingleton<IEngineStore>(provider =>
        {
            var options = provider.GetRequiredService<IOptions<EngineOptions>>().Value;
            var clock = provider.GetRequiredService<IClock>();
            if (options.DatabasePath is null)
            {
                return new InMemoryEngineStore(clock);
            }

            var database = SqliteDatabase.Open(options.DatabasePath);
            return new SqliteEngineStore(database, new SqliteAuditLog(database, clock, options.AuditKey), options.DataKey, options.PreviousDataKeys);
        });
        services.TryAddSingleton<CoordinationEngine>();
        return services;
    }
}
