package ai.otc.learner.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.otc.learner.domain.DeviceChoice;
import org.junit.jupiter.api.Test;

/** Device selection from {@code otc.learner.device} and the GPUs the engine reports. */
class DeviceSelectorTest {

  @Test
  void autoTakesAGpuWhenThereIsOneElseTheCpu() {
    assertThat(DeviceSelector.select(DeviceChoice.AUTO, 0, "PyTorch 2.7.1")).isEqualTo("cpu");
    assertThat(DeviceSelector.select(DeviceChoice.AUTO, 1, "PyTorch 2.7.1")).isEqualTo("gpu");
    assertThat(DeviceSelector.select(DeviceChoice.AUTO, 8, "PyTorch 2.7.1")).isEqualTo("gpu");
  }

  @Test
  void cpuIsTheCpuEvenWithAGpu() {
    assertThat(DeviceSelector.select(DeviceChoice.CPU, 2, "x")).isEqualTo("cpu");
  }

  @Test
  void gpuWithoutOneFailsNamingTheKeyAndTheFix() {
    assertThat(DeviceSelector.select(DeviceChoice.GPU, 1, "x")).isEqualTo("gpu");
    assertThatThrownBy(() -> DeviceSelector.select(DeviceChoice.GPU, 0, "PyTorch 2.7.1, cpu flavour"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("otc.learner.device=gpu but the PyTorch engine reports no GPU (PyTorch 2.7.1, cpu flavour)")
        .hasMessageContaining("CUDA build");
  }
}
