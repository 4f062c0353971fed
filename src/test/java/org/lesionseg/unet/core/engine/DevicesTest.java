package org.lesionseg.unet.core.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.lesionseg.unet.core.UnetException;

import ai.djl.Device;

/**
 * A multi-GPU node without a GPU: the device list a choice gives when PyTorch sees N GPUs (the seam below
 * {@link Devices#resolve(DeviceChoice)}), and the placement the device line names (stored in the model file).
 */
class DevicesTest {

	@Test
	void gpuListsParseAndReadBack() {
		assertEquals("gpu:0,2", DeviceChoice.parse(" GPU:0, 2 ").toString());
		assertArrayEquals(new int[] { 0, 2 }, DeviceChoice.parse("cuda:0,2").gpuIndices());
		assertEquals(DeviceChoice.parse("gpu:1"), DeviceChoice.gpu(1));
		assertEquals(DeviceChoice.parse("gpu:1,3"), DeviceChoice.gpus(1, 3));
		assertTrue(assertThrows(UnetException.class, () -> DeviceChoice.parse("gpu:0,0")).getMessage().contains("must be different"));
		assertTrue(assertThrows(UnetException.class, () -> DeviceChoice.parse("gpu:0,")).getMessage().contains("e.g. gpu:0 or gpu:0,1"));
		assertTrue(assertThrows(UnetException.class, () -> DeviceChoice.parse("gpu:-1")).getMessage().contains("needs a GPU number"));
	}

	/** On a node with 4 GPUs: auto and gpu take all four (data parallel), gpu:N one, gpu:N,M those, in that order. */
	@Test
	void aChoiceGivesTheDevicesOfAFourGpuNode() {
		assertArrayEquals(gpus(0, 1, 2, 3), Devices.resolve(DeviceChoice.AUTO, 4, null));
		assertArrayEquals(gpus(0, 1, 2, 3), Devices.resolve(DeviceChoice.parse("gpu"), 4, null));
		assertArrayEquals(gpus(2), Devices.resolve(DeviceChoice.parse("gpu:2"), 4, null));
		assertArrayEquals(gpus(3, 1), Devices.resolve(DeviceChoice.parse("gpu:3,1"), 4, null));
		assertArrayEquals(new Device[] { Device.cpu() }, Devices.resolve(DeviceChoice.CPU, 4, null));
		assertArrayEquals(new Device[] { Device.cpu() }, Devices.resolve(DeviceChoice.AUTO, 0, null));
	}

	/** One job per GPU under SLURM (--gres=gpu:1): the job sees one GPU, numbered 0, whatever its number on the node. */
	@Test
	void aGpuNumberBeyondThoseVisibleNamesCudaVisibleDevices() {
		String message = assertThrows(UnetException.class, () -> Devices.resolve(DeviceChoice.parse("gpu:2"), 1, "2")).getMessage();
		assertEquals("GPU 2 does not exist: PyTorch sees 1 GPU(s), numbered 0 to 0 (CUDA_VISIBLE_DEVICES=2 renumbers the GPUs it lists from 0)", message);
		assertTrue(assertThrows(UnetException.class, () -> Devices.resolve(DeviceChoice.parse("gpu:0,4"), 4, null)).getMessage()
			.startsWith("GPU 4 does not exist: PyTorch sees 4 GPU(s)"));
	}

	@Test
	void theDeviceLineNamesThePhysicalGpusAndTheSlurmTask() {
		Map<String, String> env = new HashMap<>();
		assertEquals("", Devices.placement(gpus(0), env));
		env.put("CUDA_VISIBLE_DEVICES", "2,3");
		assertEquals("; CUDA_VISIBLE_DEVICES=2,3: GPU 0 is the node's GPU 2, GPU 1 is the node's GPU 3", Devices.placement(gpus(0, 1), env));
		env.put("SLURMD_NODENAME", "gpu17");
		env.put("SLURM_JOB_ID", "1240");
		env.put("SLURM_ARRAY_JOB_ID", "1234");
		env.put("SLURM_ARRAY_TASK_ID", "6");
		assertEquals("; CUDA_VISIBLE_DEVICES=2,3: GPU 0 is the node's GPU 2; SLURM node gpu17 job 1234_6", Devices.placement(gpus(0), env));
		env.remove("CUDA_VISIBLE_DEVICES");
		assertEquals("; SLURM node gpu17 job 1234_6", Devices.placement(new Device[] { Device.cpu() }, env));
	}

	private static Device[] gpus(int... ids) {
		Device[] d = new Device[ids.length];
		for (int i = 0; i < ids.length; i++)
			d[i] = Device.gpu(ids[i]);
		return d;
	}
}
