using MedCoord.Scheduling.Isolation;
using MedCoord.Scheduling.Solving;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the MedCoord scheduler that solves in a worker process.</summary>
public static class IsolationServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IsolatedScheduler"/> as the <see cref="IAppointmentScheduler"/>, in place of the in-process
    /// scheduler, with its options (validated at start) and the scheduling defaults; safe to call more than once.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures the worker command (<see cref="IsolationOptions.WorkerPath"/> is required) and its timeouts.</param>
    /// <param name="configureDefaults">Optional configuration of the scheduling defaults.</param>
    /// <returns>The same service collection.</returns>
    public static IServiceCollection AddMedCoordIsolatedScheduling(this IServiceCollection services, Action<IsolationOptions> configure, Action<SchedulingOptions>? configureDefaults = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddMedCoordScheduling(configureDefaults);
        services.AddOptions<IsolationOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<IsolationOptions>, IsolationOptionsValidator>());
        services.Replace(ServiceDescriptor.Singleton<IAppointmentScheduler>(provider => new IsolatedScheduler(
            provider.GetRequiredService<IOptions<IsolationOptions>>().Value,
            provider.GetRequiredService<IOptions<SchedulingOptions>>().Value,
            provider.GetService<ILogger<IsolatedScheduler>>())));
        return services;
    }
}
