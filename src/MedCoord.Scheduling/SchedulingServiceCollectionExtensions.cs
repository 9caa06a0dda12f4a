using MedCoord.Scheduling.Solving;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the MedCoord scheduler.</summary>
public static class SchedulingServiceCollectionExtensions
{
    /// <summary>Adds <see cref="IAppointmentScheduler"/> and its options; safe to call more than once.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Optional configuration of the defaults.</param>
    /// <returns>The same service collection.</returns>
    public static IServiceCollection AddMedCoordScheduling(this IServiceCollection services, Action<SchedulingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = services.AddOptions<SchedulingOptions>();
        if (configure is not null)
        {
            builder.Configure(configure);
        }

        builder.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SchedulingOptions>, SchedulingOptionsValidator>());
        services.TryAddSingleton<IAppointmentScheduler, AppointmentScheduler>();
        return services;
    }
}
